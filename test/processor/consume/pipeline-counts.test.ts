// The processor's pipeline counts (processor/consume/pipeline-counts.ts) at their counting points:
// consumed/stored_raw/duplicates/dead_lettered per record, invalid/windowed/late per reading, and
// exactness across a checkpoint + replay (the counts travel in the checkpoint, so a replay after a
// crash counts nothing twice).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rules, defaultImpossible } from '../../../processor/anomalies/rules-file.ts'
import { Effects } from '../../../processor/consume/effects.ts'
import { PartitionProcessor, type ProcessorOptions } from '../../../processor/consume/partition-processor.ts'
import { PartitionPipelineCounts } from '../../../processor/consume/pipeline-counts.ts'
import { decodeSnapshot, encodeSnapshot } from '../../../processor/offsets/checkpoint-codec.ts'
import { goldenRules } from '../helpers/golden-rules.ts'
import { goldenStream, mulberry32, type StreamSpec } from '../helpers/golden-stream.ts'

const T0 = Date.UTC(2026, 10, 22, 1, 0)
const opts = (sizes = [10_000, 60_000]): ProcessorOptions => ({
  windowSizesMs: sizes,
  allowedLatenessMs: 2_000,
  maxFutureMs: 300_000,
  defaultReportingIntervalMs: 0,
  rawStorage: true,
  rules: new Rules({ impossible: defaultImpossible }),
})
const reading = (deviceId: string, seq: number, eventTime: number, metrics: Record<string, number>): Buffer =>
  Buffer.from(JSON.stringify({ deviceId, seq, seqSource: 'device', boot: 0, eventTime, receivedAt: eventTime, timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics }))
const counts = (c: PartitionPipelineCounts): Record<string, Record<string, number>> => {
  const out: Record<string, Record<string, number>> = {}
  for (const [d, k, v] of c.entries()) (out[d] ??= {})[k] = v
  return out
}

test('each counting point: stored, duplicate, dead-lettered, invalid, windowed when the window closes, late', () => {
  const p = new PartitionProcessor(opts())
  const fx = new Effects()
  p.processValue(reading('a', 1, T0 + 1_000, { temperature: 20 }), fx, 'a')
  p.processValue(reading('a', 1, T0 + 1_000, { temperature: 20 }), fx, 'a') // resend
  p.processValue(reading('a', 2, T0 + 2_000, { temperature: 500 }), fx, 'a') // impossible for bme280: invalid, no window
  p.processValue(reading('a', 3, T0 + 3_000, { temperature: 500, humidity: 40 }), fx, 'a') // one metric valid: windowed
  p.processValue(Buffer.from('{not json'), fx, 'b')
  p.processValue(null, fx)
  assert.deepEqual(counts(p.pipeline), {
    a: { consumed: 4, stored_raw: 3, duplicates: 1, invalid: 1 },
    b: { consumed: 1, dead_lettered: 1 },
    '?': { consumed: 1, dead_lettered: 1 },
  })
  // 10 s windows (the smallest size) close once the watermark (max event time - 2 s) passes T0 + 10 s.
  p.processValue(reading('a', 4, T0 + 11_000, { temperature: 21 }), fx, 'a')
  assert.equal(p.pipeline.get('a', 'windowed'), 0, 'window [T0, T0+10 s) still open at watermark T0+9 s')
  p.processValue(reading('a', 5, T0 + 12_500, { temperature: 21 }), fx, 'a')
  assert.equal(p.pipeline.get('a', 'windowed'), 2, 'both on-time readings of the closed window')
  p.processValue(reading('a', 6, T0 + 5_000, { temperature: 22 }), fx, 'a') // its 10 s window is closed: late
  assert.equal(p.pipeline.get('a', 'windowed'), 3)
  assert.equal(p.pipeline.get('a', 'late'), 1)
  p.idle(T0 + 3_600_000, T0, 1_000, fx)
  const a = counts(p.pipeline).a as Record<string, number>
  assert.equal(a.stored_raw, 6)
  assert.equal(a.windowed! + a.invalid!, a.stored_raw, 'stored_raw = windowed + invalid once every window closed')
  assert.equal(a.consumed, a.stored_raw! + a.duplicates!)
})

const spec: StreamSpec = {
  seed: 23,
  devices: 5,
  partitions: 1,
  readingsPerDevice: 300,
  intervalMs: 1_000,
  t0: T0,
  latenessMs: 5_000,
  windowSizesMs: [10_000, 60_000],
}
const goldenOpts = (): ProcessorOptions => ({ ...opts(spec.windowSizesMs), allowedLatenessMs: spec.latenessMs, rules: new Rules({ ...goldenRules(spec.devices, spec.intervalMs), impossible: defaultImpossible }) })

test('golden stream: the counts balance per device and agree with the instance metrics', () => {
  const deliveries = goldenStream(spec)
  const p = new PartitionProcessor(goldenOpts())
  const fx = new Effects()
  for (const d of deliveries) p.processValue(Buffer.from(d.value), fx, d.key)
  p.idle(T0 + 3_600_000, T0, 1_000, fx)
  const c = counts(p.pipeline)
  const sum = (k: string): number => Object.values(c).reduce((s, m) => s + (m[k] ?? 0), 0)
  assert.equal(sum('consumed'), deliveries.length)
  assert.equal(sum('stored_raw'), p.counters.readings)
  assert.equal(sum('stored_raw'), fx.raw.length)
  assert.equal(sum('duplicates'), p.counters.duplicates)
  assert.equal(sum('dead_lettered'), p.counters.rejected)
  assert.ok(sum('duplicates') > 0 && sum('late') > 0 && sum('dead_lettered') > 0, 'the golden stream exercises every path')
  for (const [d, m] of Object.entries(c)) {
    assert.equal(m.consumed, (m.stored_raw ?? 0) + (m.duplicates ?? 0) + (m.dead_lettered ?? 0), `${d} consumed`)
    assert.equal(m.stored_raw ?? 0, (m.windowed ?? 0) + (m.invalid ?? 0), `${d} stored_raw`)
  }
})

test('a crash after a checkpoint: the new owner replays from it and ends with exactly the same counts', () => {
  const deliveries = goldenStream(spec)
  const whole = new PartitionProcessor(goldenOpts())
  for (const d of deliveries) whole.processValue(Buffer.from(d.value), new Effects(), d.key)
  const rnd = mulberry32(9)
  for (let trial = 0; trial < 4; trial++) {
    const cut = Math.floor(rnd() * deliveries.length)
    const crashed = new PartitionProcessor(goldenOpts())
    deliveries.slice(0, cut).forEach((d) => crashed.processValue(Buffer.from(d.value), new Effects(), d.key))
    const ckpt = encodeSnapshot(crashed.snapshot())
    // the crashed owner went on past the checkpoint (and may have flushed those counts): irrelevant
    deliveries.slice(cut, cut + 50).forEach((d) => crashed.processValue(Buffer.from(d.value), new Effects(), d.key))
    const next = new PartitionProcessor(goldenOpts(), decodeSnapshot(ckpt))
    deliveries.slice(cut).forEach((d) => next.processValue(Buffer.from(d.value), new Effects(), d.key))
    assert.deepEqual(counts(next.pipeline), counts(whole.pipeline), `checkpoint at ${cut} of ${deliveries.length}`)
  }
})

test('a checkpoint from before the counters existed starts them at zero', () => {
  const p = new PartitionProcessor(opts())
  p.processValue(reading('a', 1, T0, { temperature: 20 }), new Effects(), 'a')
  const snap = p.snapshot()
  delete snap.pipeline
  const q = new PartitionProcessor(opts(), decodeSnapshot(encodeSnapshot(snap)))
  q.processValue(reading('a', 2, T0 + 1_000, { temperature: 20 }), new Effects(), 'a')
  assert.deepEqual(counts(q.pipeline), { a: { consumed: 1, stored_raw: 1 } })
})
