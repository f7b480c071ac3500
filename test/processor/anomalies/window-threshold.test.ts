// Thresholds on window means (rules `windowThresholds`), through the PartitionProcessor with event
// times and an injected wall clock (idle()): global < site < device overrides, strict limits, the
// hysteresis band, openAfter on windows, one anomaly per window size, and exact replay.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rules } from '../../../processor/anomalies/rules-file.ts'
import { anomalyId, type Anomaly } from '../../../processor/anomalies/types.ts'
import { Effects } from '../../../processor/consume/effects.ts'
import { PartitionProcessor, type ProcessorOptions } from '../../../processor/consume/partition-processor.ts'
import { decodeSnapshot, encodeSnapshot } from '../../../processor/offsets/checkpoint-codec.ts'
import { expectedWindowAnomalies, windowReadings, windowRules, windowValues } from '../helpers/window-rules.ts'

const T0 = Date.UTC(2026, 0, 1, 0, 0) // aligned to the minute
const opts = (): ProcessorOptions => ({
  windowSizesMs: [10_000, 60_000],
  allowedLatenessMs: 1_000,
  maxFutureMs: 300_000,
  defaultReportingIntervalMs: 0,
  rawStorage: false,
  rules: new Rules(windowRules),
})

const stream = (values: Record<string, number[]>): Buffer[] => windowReadings(values, T0).map((r) => Buffer.from(JSON.stringify(r)))

type Event = [deviceId: string, id: string, state: 'open' | 'closed', severity: string, threshold: number, closedAt: number | null]
const events = (fx: Effects): Event[] =>
  [...fx.anomalies.values()].map((a: Anomaly) => [a.deviceId, anomalyId(a), a.closedAt === undefined ? 'open' : 'closed', a.severity, a.threshold, a.closedAt ?? null])

/** Processes the records one by one (one Effects each, as batches of one), then idles the partition. */
function run(p: PartitionProcessor, records: Buffer[], idleAt?: number): Event[] {
  const out: Event[] = []
  for (const r of records) {
    const fx = new Effects()
    assert.equal(p.processValue(r, fx).outcome, 'ok')
    out.push(...events(fx))
  }
  if (idleAt !== undefined) {
    const fx = new Effects()
    // wall clock injected: the last record arrived at idleAt − 120 s, the idle timeout is 30 s
    assert.equal(p.idle(idleAt, idleAt - 120_000, 30_000, fx), true)
    out.push(...events(fx))
  }
  return out
}

const s = (k: number): number => T0 + k * 10_000
const EXPECTED: Event[] = [
  ['fridge', `threshold_window:temperature@10000:${s(0)}`, 'open', 'warning', 8, null],
  ['room', `threshold_window:temperature@10000:${s(1)}`, 'open', 'info', 30, null],
  // window 3 closes: room's mean 27 is out of the band (close), probe's second mean > 4 (open)
  ['room', `threshold_window:temperature@10000:${s(1)}`, 'closed', 'info', 30, s(3)],
  ['probe', `threshold_window:temperature@10000:${s(2)}`, 'open', 'critical', 4, null],
  ['probe', `threshold_window:temperature@10000:${s(2)}`, 'closed', 'critical', 4, s(4)],
  ['fridge', `threshold_window:temperature@60000:${s(0)}`, 'open', 'warning', 8, null],
  ['fridge', `threshold_window:temperature@10000:${s(0)}`, 'closed', 'warning', 8, s(6)],
  ['fridge', `threshold_window:temperature@60000:${s(0)}`, 'closed', 'warning', 8, s(6)],
]

test('window thresholds: overrides, strict limits, hysteresis, openAfter, one anomaly per window size', () => {
  const got = run(new PartitionProcessor(opts()), stream(windowValues), T0 + 600_000)
  assert.deepEqual(got, EXPECTED)
  // no raw-reading threshold rule is configured, so nothing else fires
  assert.ok(got.every(([, id]) => id.startsWith('threshold_window:')))
  // the helper's summary (used by the integration test) is this very list, opened and closed
  const closed = got.filter(([, , state]) => state === 'closed').map(([deviceId, id, , severity, threshold, closedAt]) => ({ deviceId, id, severity, threshold, closedAt }))
  assert.deepEqual(
    closed.sort((a, b) => a.id.localeCompare(b.id) || a.deviceId.localeCompare(b.deviceId)),
    expectedWindowAnomalies(T0).map(({ deviceId, id, severity, threshold, closedAt }) => ({ deviceId, id, severity, threshold, closedAt })).sort((a, b) => a.id.localeCompare(b.id) || a.deviceId.localeCompare(b.deviceId)),
  )
})

test('window thresholds: a mean exactly at the limit is not a breach', () => {
  const got = run(new PartitionProcessor(opts()), stream({ room: [30, 30, 30, 30, 30, 30, 25, 25, 25, 25, 25, 25] }), T0 + 600_000)
  assert.deepEqual(got, [])
})

test('window thresholds: the state is checkpointed — replay from any cut gives the same anomalies', () => {
  const records = stream(windowValues)
  for (const cut of [1, 35, 61, 149, 300, records.length - 1]) {
    const a = new PartitionProcessor(opts())
    const before = run(a, records.slice(0, cut))
    const b = new PartitionProcessor(opts(), decodeSnapshot(encodeSnapshot(a.snapshot())))
    const after = run(b, records.slice(cut), T0 + 600_000)
    assert.deepEqual([...before, ...after], EXPECTED, `cut at ${cut}`)
  }
})
