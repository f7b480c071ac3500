// Raw readings held back (processor/consume/raw-write-behind.ts) on the real Kafka and Cassandra:
// with checkpoints far apart, held rows are written once their delay passes, not at the
// checkpoint; with a long delay none is written until a graceful stop, whose final checkpoints
// write them all first; and held-back rows reach Cassandra as fewer requests than rows.
// The SIGKILL case (held rows dropped, then replayed) is in ../integrity/sigkill-restart.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProcessor } from '../../../processor/processor.ts'
import { stackEnv } from '../../helpers/stack-env.ts'
import { goldenSpec, rulesFile } from '../helpers/golden-rules.ts'
import { goldenStream } from '../helpers/golden-stream.ts'
import { fixture, processorConfig, produce, rawRowCounts, settleRaw, waitFor } from '../helpers/pipeline-fixture.ts'

const spec = { ...goldenSpec(), readingsPerDevice: 120 }
const flags = (delayMs: number): Record<string, string | number> => ({
  'processor-window-sizes-ms': spec.windowSizesMs.join(','),
  'processor-allowed-lateness-ms': spec.latenessMs,
  'processor-rules-file': rulesFile(spec),
  // no checkpoint inside the test: whatever is written, the raw write delay wrote
  'processor-checkpoint-interval-ms': 600_000,
  'processor-idle-timeout-ms': 600_000,
  'processor-raw-write-delay-ms': delayMs,
})

test('held raw rows are written once their delay passes, before any checkpoint, in fewer requests than rows', { timeout: 120_000 }, async () => {
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  const proc = await startProcessor(processorConfig(f, flags(300)))
  try {
    await produce(f, deliveries)
    const raw = await settleRaw(f, deliveries, 30_000)
    assert.equal(raw.stored, raw.unique, 'raw rows stored against unique readings')
    const ck = await f.client.execute('SELECT partition FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition IN (0, 1, 2)', [f.groupId, f.topics.readings], { prepare: true })
    assert.equal(ck.rowLength, 0, 'no checkpoint was written, so the delay wrote the rows')
    assert.ok(proc.store.requests < proc.store.writes / 4, `requests ${proc.store.requests} for ${proc.store.writes} rows`)
  } finally {
    await proc.stop()
    await f.destroy()
  }
})

test('with a long delay nothing raw is written until a graceful stop, which writes every held row', { timeout: 120_000 }, async () => {
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  const proc = await startProcessor(processorConfig(f, flags(60_000)))
  let stopped = false
  try {
    await produce(f, deliveries)
    await waitFor('every record processed', async () => proc.counters.records === deliveries.length, 30_000, 100)
    assert.ok(proc.consumer.rawPending() > 0, 'readings are held')
    assert.equal((await rawRowCounts(f, deliveries)).stored, 0, 'none written while held')
    await proc.stop()
    stopped = true
    const raw = await rawRowCounts(f, deliveries)
    assert.equal(raw.stored, raw.unique, 'the stop wrote every held row')
  } finally {
    if (!stopped) await proc.stop()
    await f.destroy()
  }
})
