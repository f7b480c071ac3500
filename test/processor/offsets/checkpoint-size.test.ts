// How big a partition checkpoint gets (one blob cell): 1,000 devices × 3 metrics × 2 window sizes,
// and the refusal, with a stable code, of one too big for a Cassandra mutation.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Rules, defaultRules } from '../../../processor/anomalies/rules-file.ts'
import { Effects } from '../../../processor/consume/effects.ts'
import { PartitionProcessor } from '../../../processor/consume/partition-processor.ts'
import { CHECKPOINT_MAX_BYTES, decodeSnapshot, encodeSnapshot } from '../../../processor/offsets/checkpoint-codec.ts'
import { mulberry32 } from '../helpers/golden-stream.ts'

/** A partition with `devices` BME280s at 10 s, run 2 minutes of event time (the 1 h window open). */
function partition(devices: number): PartitionProcessor {
  const p = new PartitionProcessor({
    windowSizesMs: [60_000, 3_600_000],
    allowedLatenessMs: 10_000,
    maxFutureMs: 300_000,
    defaultReportingIntervalMs: 0,
    rawStorage: false,
    rules: new Rules(defaultRules), // default detectors: rate of change on temperature and humidity
  })
  const rnd = mulberry32(7)
  const t0 = Date.UTC(2026, 0, 1, 0, 0, 30)
  for (let step = 0; step < 12; step++) {
    const fx = new Effects()
    for (let d = 0; d < devices; d++) {
      const t = t0 + step * 10_000 + d // distinct event times, as a real fleet has
      const r = {
        deviceId: `site-a-device-${String(d).padStart(5, '0')}`, seq: step, seqSource: 'device', boot: 3, eventTime: t, receivedAt: t, timeSource: 'device', sensor: 'bme280', dialect: 'native',
        metrics: { temperature: 21 + rnd(), humidity: 40 + 5 * rnd(), pressure: 1000 + rnd() },
      }
      p.processValue(Buffer.from(JSON.stringify(r)), fx)
    }
  }
  return p
}

test('checkpoint of 1,000 devices × 3 metrics × 2 window sizes stays far below Cassandra’s 1 MB warning', (t) => {
  const p = partition(1_000)
  // the current 1 min window and the 1 h window of every device and metric (the previous minute
  // is closed: the watermark is 10 s behind the last reading at 2 min 20 s)
  assert.equal(p.openWindows, 1_000 * 3 * 2)
  const snap = p.snapshot()
  const json = JSON.stringify(snap).length
  const bytes = encodeSnapshot(snap)
  t.diagnostic(`1,000 devices: ${p.openWindows} open windows, JSON ${(json / 1e6).toFixed(2)} MB, gzipped ${(bytes.length / 1e6).toFixed(3)} MB (${Math.round(bytes.length / 1_000)} B per device)`)
  assert.ok(bytes.length < 1_000_000, `${bytes.length} bytes`)
  assert.ok(bytes.length * 30 < CHECKPOINT_MAX_BYTES, 'room for 30× the devices on one partition')
  assert.deepEqual(decodeSnapshot(bytes), JSON.parse(JSON.stringify(snap)), 'round-trips')
})

test('a checkpoint larger than the limit is refused with PROC_ERR_CHECKPOINT, not sent to Cassandra', () => {
  const snap = partition(200).snapshot()
  const size = encodeSnapshot(snap).length
  assert.throws(
    () => encodeSnapshot(snap, size - 1),
    (e: Error & { code?: string; retriable?: boolean }) => e.code === 'PROC_ERR_CHECKPOINT' && e.retriable === false && /200 devices/.test(e.message) && /add partitions/.test(e.message),
  )
  assert.equal(encodeSnapshot(snap, size).length, size, 'at the limit: accepted')
})
