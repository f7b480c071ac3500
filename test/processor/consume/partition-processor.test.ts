// The processor's core against the independent oracle, without Kafka or Cassandra: windows folded
// as the store folds them equal the oracle; replay from any checkpoint reproduces the same effects.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rules, defaultImpossible } from '../../../processor/anomalies/rules-file.ts'
import { Effects } from '../../../processor/consume/effects.ts'
import { PartitionProcessor, type ProcessorOptions } from '../../../processor/consume/partition-processor.ts'
import { decodeSnapshot, encodeSnapshot } from '../../../processor/offsets/checkpoint-codec.ts'
import { EffectsFold } from '../helpers/fold.ts'
import { goldenRules } from '../helpers/golden-rules.ts'
import { deviceName, goldenStream, mulberry32, oracle, SCRIPT, type Delivery, type StreamSpec } from '../helpers/golden-stream.ts'

const spec: StreamSpec = {
  seed: 11,
  devices: 6,
  partitions: 2,
  readingsPerDevice: 400,
  intervalMs: 1_000,
  t0: Date.UTC(2026, 10, 22, 1, 0),
  latenessMs: 5_000,
  windowSizesMs: [10_000, 60_000],
}
const opts = (): ProcessorOptions => ({
  windowSizesMs: spec.windowSizesMs,
  allowedLatenessMs: spec.latenessMs,
  maxFutureMs: 300_000,
  defaultReportingIntervalMs: 0,
  rawStorage: true,
  rules: new Rules({ ...goldenRules(spec.devices, spec.intervalMs), impossible: defaultImpossible }),
})
const buf = (d: Delivery): Buffer => Buffer.from(d.value)
const END = spec.t0 + 3_600_000 // wall clock long after the stream: the idle advance closes every window

function run(deliveries: Delivery[]): { fold: EffectsFold; fxs: Effects[]; procs: PartitionProcessor[] } {
  const fold = new EffectsFold()
  const fxs: Effects[] = []
  const procs: PartitionProcessor[] = []
  for (let p = 0; p < spec.partitions; p++) {
    const proc = new PartitionProcessor(opts())
    procs.push(proc)
    const fx = new Effects()
    for (const d of deliveries.filter((x) => x.partition === p)) proc.processValue(buf(d), fx)
    proc.idle(END, spec.t0, 1_000, fx)
    fold.add(fx)
    fxs.push(fx)
  }
  return { fold, fxs, procs }
}

test('folded windows equal the oracle: exact counts, means within 1e-9, late and invalid counts', () => {
  const deliveries = goldenStream(spec)
  const expected = oracle(deliveries, spec)
  const { fold, procs } = run(deliveries)
  const got = fold.result()
  let late = 0
  for (const [k, e] of expected) {
    if (e.count === 0 && e.invalid === 0) continue
    const g = got.get(k)
    assert.ok(g, `window ${k} missing`)
    assert.equal(g.stats.count, e.count, `${k} count`)
    assert.equal(g.late, e.late, `${k} late`)
    assert.equal(g.invalid, e.invalid, `${k} invalid`)
    if (e.count > 0) {
      assert.ok(Math.abs(g.stats.mean - e.mean) <= 1e-9, `${k} mean ${g.stats.mean} vs ${e.mean}`)
      assert.ok(Math.abs(g.stddev - e.stddev) <= 1e-9, `${k} stddev`)
      assert.deepEqual([g.stats.min, g.stats.max, g.stats.firstEvent, g.stats.lastEvent], [e.min, e.max, e.first, e.last], k)
    }
    late += e.late
  }
  assert.equal(got.size, [...expected.values()].filter((e) => e.count > 0 || e.invalid > 0).length, 'no extra windows')
  assert.ok(late > 20, `the stream has late readings (${late})`)
  const c = procs.reduce((a, p) => ({ dup: a.dup + p.counters.duplicates, rej: a.rej + p.counters.rejected }), { dup: 0, rej: 0 })
  assert.ok(c.dup > 20, 'the stream has duplicates')
  assert.equal(c.rej, 2, 'both poison records rejected')
  const w = got.get(`${deviceName(0)}|temperature|60000|${spec.t0}`)
  assert.equal(w?.expected, 60, 'expected count from the reporting interval')
})

test('scripted anomalies: threshold with hysteresis, sensor fault, silence', () => {
  const { fxs } = run(goldenStream(spec))
  const all = fxs.flatMap((fx) => [...fx.anomalies.values()])
  const t = (dev: number, seq: number): number => {
    const d = goldenStream(spec).find((x) => x.reading?.deviceId === deviceName(dev) && x.reading.seq === seq)
    return d?.reading?.eventTime as number
  }
  const thr = all.filter((a) => a.kind === 'threshold')
  assert.equal(thr.length, 1)
  assert.equal(thr[0]?.openedAt, t(SCRIPT.thresholdDevice, SCRIPT.spikeSeqs[0]))
  assert.equal(thr[0]?.closedAt, t(SCRIPT.thresholdDevice, SCRIPT.spikeSeqs[1] + 1), 'closed by the second reading back under 30 − 1')
  const fault = all.filter((a) => a.kind === 'sensor_fault')
  assert.equal(fault.length, 1)
  assert.equal(fault[0]?.deviceId, deviceName(SCRIPT.faultDevice))
  assert.equal(fault[0]?.metric, 'humidity')
  assert.equal(fault[0]?.openedAt, t(SCRIPT.faultDevice, SCRIPT.faultSeq))
  assert.ok(fault[0]?.closedAt !== undefined)
  // Every device falls silent when the stream ends (the idle advance at END); only the scripted
  // one before that, at its last event time + 60 s.
  const streamEnd = spec.t0 + spec.readingsPerDevice * spec.intervalMs
  const silence = all.filter((a) => a.kind === 'silence' && a.openedAt < streamEnd)
  assert.equal(silence.length, 1)
  assert.equal(silence[0]?.deviceId, deviceName(SCRIPT.silentDevice))
  assert.equal(silence[0]?.openedAt, t(SCRIPT.silentDevice, SCRIPT.silentAfterSeq) + 60_000)
  assert.equal(silence[0]?.closedAt, undefined)
  assert.equal(all.filter((a) => a.kind === 'silence').length, spec.devices)
})

test('replay from a checkpoint at any point reproduces exactly the same effects', () => {
  const deliveries = goldenStream(spec).filter((d) => d.partition === 0)
  const whole = new PartitionProcessor(opts())
  const fxWhole = new Effects()
  for (const d of deliveries) whole.processValue(buf(d), fxWhole)
  const rnd = mulberry32(5)
  for (let trial = 0; trial < 5; trial++) {
    const cut = Math.floor(rnd() * deliveries.length)
    const a = new PartitionProcessor(opts())
    const fxA = new Effects()
    deliveries.slice(0, cut).forEach((d) => a.processValue(buf(d), fxA))
    const ckpt = encodeSnapshot(a.snapshot())
    // "crash": a processes a few more records whose effects are lost, then a new owner replays
    const b = new PartitionProcessor(opts(), decodeSnapshot(ckpt))
    const fxB = new Effects()
    deliveries.slice(cut).forEach((d) => b.processValue(buf(d), fxB))
    const fxRest = new Effects()
    const again = new PartitionProcessor(opts(), decodeSnapshot(ckpt))
    deliveries.slice(cut).forEach((d) => again.processValue(buf(d), fxRest))
    assert.deepEqual(fxB, fxRest, 'replaying twice from one checkpoint is identical')
    const fold1 = new EffectsFold()
    fold1.add(fxWhole)
    const fold2 = new EffectsFold()
    fold2.add(fxA)
    fold2.add(fxB)
    assert.deepEqual(fold2.result(), fold1.result(), `checkpoint at ${cut} of ${deliveries.length}`)
    assert.deepEqual(JSON.parse(JSON.stringify(b.snapshot())), JSON.parse(JSON.stringify(whole.snapshot())))
  }
})

test('poison and future records are rejected with a reason; duplicates are not', () => {
  const p = new PartitionProcessor(opts())
  const fx = new Effects()
  assert.equal(p.processValue(Buffer.from('\xff\xfe'), fx).outcome, 'PROC_REJECT_UNPARSEABLE')
  assert.equal(p.processValue(null, fx).outcome, 'PROC_REJECT_UNPARSEABLE')
  assert.equal(p.processValue(Buffer.from('{"deviceId":"x"}'), fx).outcome, 'PROC_REJECT_INVALID')
  const r = { deviceId: 'd', seq: 1, seqSource: 'device', boot: 0, eventTime: 1_000_000, receivedAt: 1_000_000, timeSource: 'device', sensor: 'dht22', dialect: 'native', metrics: { temperature: 20 } }
  assert.equal(p.processValue(Buffer.from(JSON.stringify({ ...r, eventTime: 1_000_000 + 300_001 })), fx).outcome, 'PROC_REJECT_FUTURE_EVENT_TIME')
  assert.equal(p.processValue(Buffer.from(JSON.stringify(r)), fx).outcome, 'ok')
  assert.equal(p.processValue(Buffer.from(JSON.stringify({ ...r, metrics: { temperature: 99 } })), fx).outcome, 'duplicate', 'same (deviceId, boot, seq), whatever the payload')
})

test('the raw row stores the record as it arrived, which parses back to the reading processed', () => {
  const p = new PartitionProcessor(opts())
  const fx = new Effects()
  // Key order and spacing of another producer: the text is kept, not re-serialised.
  const text = '{ "metrics": {"temperature": 21.5, "humidity": 40}, "deviceId": "d", "seq": 7, "seqSource": "device", "boot": 2, "eventTime": 1000000, "receivedAt": 1000100, "timeSource": "device", "sensor": "dht22", "dialect": "native" }'
  assert.equal(p.processValue(Buffer.from(text), fx).outcome, 'ok')
  assert.equal(fx.raw.length, 1)
  const row = fx.raw[0]
  assert.deepEqual({ ...row, json: undefined }, { deviceId: 'd', eventTime: 1_000_000, boot: 2, seq: 7, json: undefined })
  assert.equal(row?.json, text)
  assert.deepEqual(JSON.parse(row?.json ?? ''), { deviceId: 'd', seq: 7, seqSource: 'device', boot: 2, eventTime: 1_000_000, receivedAt: 1_000_100, timeSource: 'device', sensor: 'dht22', dialect: 'native', metrics: { temperature: 21.5, humidity: 40 } })
  // A rejected record stores nothing raw.
  assert.equal(p.processValue(Buffer.from(text.replace('"dialect"', '"extra": 1, "dialect"')), fx).outcome, 'PROC_REJECT_INVALID')
  assert.equal(fx.raw.length, 1)
})

test('an impossible value is never averaged and is counted as invalid in its window', () => {
  const p = new PartitionProcessor({ ...opts(), windowSizesMs: [60_000] })
  const fx = new Effects()
  const base = { deviceId: 'd', seqSource: 'device', boot: 0, receivedAt: 0, timeSource: 'device', sensor: 'bme280', dialect: 'native' }
  const send = (seq: number, t: number, pressure: number): void =>
    void p.processValue(Buffer.from(JSON.stringify({ ...base, seq, eventTime: t, receivedAt: t, metrics: { pressure } })), fx)
  send(1, 60_000, 1000)
  send(2, 61_000, 1100.01) // above the BME280 range 300…1100
  send(3, 62_000, 1100) // exactly at the limit: possible
  send(4, 200_000, 1000) // closes the first window
  const w = fx.windows.get('d|pressure|60000|60000')
  assert.equal(w?.stats.count, 2)
  assert.equal(w?.stats.mean, 1050)
  assert.equal(w?.invalidCount, 1)
  const faults = [...fx.anomalies.values()].filter((a) => a.kind === 'sensor_fault')
  assert.equal(faults.length, 1)
  assert.equal(faults[0]?.closedAt, 62_000)
  // opened and closed within one batch: one stored row, but both events for the anomalies topic
  const events = fx.anomalyEvents.filter((a) => a.kind === 'sensor_fault')
  assert.deepEqual(events.map((a) => [a.openedAt, a.closedAt]), [[61_000, undefined], [61_000, 62_000]])
})
