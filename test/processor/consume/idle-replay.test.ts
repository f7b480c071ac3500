// The idle advance with an injected wall clock, through the PartitionProcessor as the runner drives
// it (a tick every idle timeout between records): a historic replay (event times ten months back)
// with pauses longer than the idle timeout marks nothing late, and idle partitions still close
// their last windows.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rules, defaultImpossible } from '../../../processor/anomalies/rules-file.ts'
import { Effects } from '../../../processor/consume/effects.ts'
import { PartitionProcessor } from '../../../processor/consume/partition-processor.ts'

const IDLE = 30_000
const EVENT_T0 = Date.UTC(2026, 0, 1) // `npm run sim -- --out` default start
const WALL_T0 = Date.UTC(2026, 10, 22, 7) // when the replay runs

/** One device reporting every `everyMs` of event time, replayed at `speed`× with idle ticks. */
function replay(n: number, everyMs: number, speed: number): { proc: PartitionProcessor; fx: Effects; idleAdvances: number } {
  const proc = new PartitionProcessor({
    windowSizesMs: [60_000],
    allowedLatenessMs: 10_000,
    maxFutureMs: 300_000,
    defaultReportingIntervalMs: 0,
    rawStorage: false,
    rules: new Rules({ impossible: defaultImpossible }),
  })
  const fx = new Effects()
  let idleAdvances = 0
  let lastRecordAt = WALL_T0
  for (let seq = 0; seq < n; seq++) {
    const eventTime = EVENT_T0 + seq * everyMs
    const arrival = WALL_T0 + (seq * everyMs) / speed
    // the runner's timer: ticks every idle timeout while nothing arrives
    for (let now = lastRecordAt + IDLE; now < arrival; now += IDLE) if (proc.idle(now, lastRecordAt, IDLE, fx)) idleAdvances++
    const r = { deviceId: 'd1', seq, seqSource: 'device', boot: 1, eventTime, receivedAt: eventTime, timeSource: 'device', sensor: 'sht31', dialect: 'native', metrics: { temperature: 20 + (seq % 3) } }
    assert.equal(proc.processValue(Buffer.from(JSON.stringify(r)), fx).outcome, 'ok')
    lastRecordAt = arrival
  }
  const between = idleAdvances
  // the replay is over: the partition idles and its last window must still close
  proc.idle(lastRecordAt + 5 * 60_000, lastRecordAt, IDLE, fx)
  return { proc, fx, idleAdvances: between }
}

for (const [speed, everyMs] of [[1, 90_000], [4, 400_000]] as const) {
  test(`historic replay at ${speed}× with gaps longer than the idle timeout: nothing late, every window closed`, () => {
    const { proc, fx, idleAdvances } = replay(40, everyMs, speed) // wall-clock gaps of 90 s and 100 s
    assert.ok(idleAdvances > 0, 'the watermark did advance while idle between readings')
    assert.equal(proc.counters.late, 0, 'no reading is late')
    assert.equal(fx.late.length, 0)
    assert.equal(proc.openWindows, 0, 'idle partitions do not stall windows')
    assert.equal(fx.windows.size, 40, 'one window per reading (90 s apart), each closed once')
    assert.ok(proc.watermark.value < WALL_T0 - 86_400_000, 'the watermark stays in the replayed past')
  })
}

test('live data (event time = arrival): an idle partition closes its windows idle timeout + lateness after the last record', () => {
  const proc = new PartitionProcessor({
    windowSizesMs: [60_000],
    allowedLatenessMs: 10_000,
    maxFutureMs: 300_000,
    defaultReportingIntervalMs: 0,
    rawStorage: false,
    rules: new Rules({ impossible: defaultImpossible }),
  })
  const t = WALL_T0 + 50_000 // in the window [WALL_T0, WALL_T0 + 60 s)
  const fx = new Effects()
  proc.processValue(Buffer.from(JSON.stringify({ deviceId: 'd1', seq: 1, seqSource: 'device', boot: 1, eventTime: t, receivedAt: t, timeSource: 'device', sensor: 'sht31', dialect: 'native', metrics: { temperature: 20 } })), fx)
  // the window closes once now − idle − lateness ≥ its end, i.e. at now = t + 10 s + 30 s + 10 s
  assert.equal(proc.idle(t + 49_999, t, IDLE, fx), true)
  assert.equal(fx.windows.size, 0)
  assert.equal(proc.idle(t + 50_000, t, IDLE, fx), true)
  assert.equal(fx.windows.size, 1)
})
