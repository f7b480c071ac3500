// Anomalies end to end on the real Kafka and Cassandra: thresholds on window means (global, site and
// device overrides, hysteresis, two window sizes), a stuck sensor and a rate-of-change breach are
// stored in `anomalies` and published to the anomalies topic with their open and close times and
// severity. Event times are historic (2026-01-01): the idle advance still closes the last windows.
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import cassandra from 'cassandra-driver'
import type { Reading } from '../../../contracts/reading.ts'
import type { RulesFile } from '../../../processor/anomalies/rules-file.ts'
import { startProcessor } from '../../../processor/processor.ts'
import { utcDay } from '../../../processor/windows/tumbling-window.ts'
import { stackEnv } from '../../helpers/stack-env.ts'
import { fixture, processorConfig, produce, waitFor } from '../helpers/pipeline-fixture.ts'
import { expectedWindowAnomalies, windowReadings, windowRules, windowValues, type ExpectedAnomaly } from '../helpers/window-rules.ts'

const T0 = Date.UTC(2026, 0, 1, 0, 0)
const at = (seq: number): number => T0 + seq * 1_000

const rules: RulesFile = {
  ...windowRules,
  stuck: { humidity: { samples: 5, epsilon: 0.05, severity: 'warning' } },
  rateOfChange: { pressure: { maxPerMinute: 5, severity: 'critical' } },
}

/** stuckdev: humidity moves, then holds 45.0 for seq 20…39 (stuck from seq 20), moves again at 40. */
const stuckReadings = (): Reading[] =>
  Array.from({ length: 60 }, (_, seq) => ({
    deviceId: 'stuckdev', seq, seqSource: 'device', boot: 1, eventTime: at(seq), receivedAt: at(seq), timeSource: 'device', sensor: 'sht31', dialect: 'native',
    metrics: { humidity: seq >= 20 && seq < 40 ? 45 : 40 + (seq % 3) * 0.5 },
  }))

/** ratedev: pressure drifts 0.01 hPa/s (0.6/min), jumps 1 hPa at seq 30 (60/min), then drifts again. */
const rateReadings = (): Reading[] =>
  Array.from({ length: 60 }, (_, seq) => ({
    deviceId: 'ratedev', seq, seqSource: 'device', boot: 1, eventTime: at(seq), receivedAt: at(seq), timeSource: 'device', sensor: 'bme280', dialect: 'native',
    metrics: { pressure: Math.round((1000 + seq * 0.01 + (seq >= 30 ? 1 : 0)) * 100) / 100 },
  }))

const expected: ExpectedAnomaly[] = [
  ...expectedWindowAnomalies(T0),
  { deviceId: 'stuckdev', id: `stuck:humidity:${at(20)}`, severity: 'warning', threshold: 0.05, openedAt: at(20), closedAt: at(40) },
  { deviceId: 'ratedev', id: `rate_of_change:pressure:${at(30)}`, severity: 'critical', threshold: 5, openedAt: at(30), closedAt: at(31) },
]
const devices = [...new Set(expected.map((e) => e.deviceId))]

test('window-threshold, stuck and rate-of-change anomalies: stored and published with open/close times and severity', { timeout: 120_000 }, async () => {
  const f = await fixture(stackEnv(), 2)
  const dir = mkdtempSync(join(tmpdir(), 'proc-rules-'))
  writeFileSync(join(dir, 'rules.json'), JSON.stringify(rules))
  const proc = await startProcessor(
    processorConfig(f, {
      'processor-window-sizes-ms': '10000,60000',
      'processor-allowed-lateness-ms': 1_000,
      'processor-idle-timeout-ms': 2_000,
      'processor-checkpoint-interval-ms': 500,
      'processor-rules-file': join(dir, 'rules.json'),
    }),
  )
  try {
    const readings = [...windowReadings(windowValues, T0), ...stuckReadings(), ...rateReadings()].sort((a, b) => a.eventTime - b.eventTime)
    const part = new Map(devices.map((d, i) => [d, i % 2]))
    await produce(
      f,
      readings.map((r) => ({ partition: part.get(r.deviceId) as number, key: r.deviceId, value: JSON.stringify(r) })),
    )

    // Cassandra: exactly the expected anomalies, each closed, with its severity and threshold
    const stored = async (): Promise<ExpectedAnomaly[]> => {
      const out: ExpectedAnomaly[] = []
      for (const d of devices) {
        const rs = await f.client.execute('SELECT anomaly_id, severity, threshold, opened_at, closed_at FROM anomalies WHERE device_id = ? AND day = ?', [d, cassandra.types.LocalDate.fromString(utcDay(T0))], { prepare: true })
        for (const r of rs.rows) {
          out.push({
            deviceId: d,
            id: r.get('anomaly_id') as string,
            severity: r.get('severity') as string,
            threshold: r.get('threshold') as number,
            openedAt: (r.get('opened_at') as Date).getTime(),
            closedAt: (r.get('closed_at') as Date | null)?.getTime() ?? NaN,
          })
        }
      }
      return out.sort(byId)
    }
    const want = [...expected].sort(byId)
    let last: ExpectedAnomaly[] = []
    await waitFor('every anomaly stored and closed', async () => {
      last = await stored()
      return last.length === want.length && last.every((a) => Number.isFinite(a.closedAt))
    }, 60_000, 500).catch((err: Error) => assert.fail(`${err.message}; stored: ${JSON.stringify(last)}`))
    assert.deepEqual(last, want)

    // the anomalies topic: every anomaly's final record is `closed` with the same times and
    // severity; an `open` record, when one was published (an open and a close within one batch are
    // coalesced into the close), carries the same opening
    const seen: Array<Record<string, unknown>> = []
    const consumer = f.kafka.consumer({ groupId: `${f.groupId}.check` })
    await consumer.connect()
    await consumer.subscribe({ topic: f.topics.anomalies, fromBeginning: true })
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(JSON.parse(String(message.value)) as Record<string, unknown>) })
    try {
      await waitFor('a closed record for every anomaly', async () => want.every((w) => seen.some((s) => s.id === w.id && s.deviceId === w.deviceId && s.state === 'closed')), 30_000, 250)
    } finally {
      await consumer.disconnect()
    }
    for (const w of want) {
      const mine = seen.filter((s) => s.id === w.id && s.deviceId === w.deviceId)
      const closed = mine.filter((s) => s.state === 'closed')
      assert.ok(closed.length >= 1, w.id)
      for (const c of closed) assert.deepEqual([c.openedAt, c.closedAt, c.severity, c.threshold], [w.openedAt, w.closedAt, w.severity, w.threshold], `${w.deviceId} ${w.id} closed`)
      for (const o of mine.filter((s) => s.state === 'open')) assert.deepEqual([o.openedAt, o.closedAt, o.severity], [w.openedAt, undefined, w.severity], `${w.deviceId} ${w.id} open`)
    }
    assert.deepEqual(new Set(seen.map((s) => `${s.deviceId} ${s.id}`)), new Set(want.map((w) => `${w.deviceId} ${w.id}`)), 'nothing else published')
    const sizes = seen.filter((s) => s.kind === 'threshold_window').map((s) => s.windowSizeMs)
    assert.ok(sizes.includes(10_000) && sizes.includes(60_000), 'window-threshold records name their window size')

    // nothing was late: historic event times are not pushed behind a wall-clock watermark
    assert.equal(proc.counters.late, 0)
    assert.equal(proc.consumer.openWindows(), 0, 'the idle partitions closed their last windows')
  } finally {
    await proc.stop()
    await f.destroy()
  }
})

const byId = (a: ExpectedAnomaly, b: ExpectedAnomaly): number => a.deviceId.localeCompare(b.deviceId) || a.id.localeCompare(b.id)
