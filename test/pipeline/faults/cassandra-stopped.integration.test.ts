// Fault: Cassandra is stopped for 30 s mid-stream under steady QoS 1 load, then started again
// (a private instance; the shared stack is never touched). Guarantee (delivery-and-security.md
// B.8 #29, whole pipeline): the processor pauses its partitions and reports /ready 503 with the
// reason while the gateway keeps writing to Kafka; when Cassandra is back it resumes from its
// checkpoints, /ready turns 200, every reading acknowledged to a device is stored exactly once in
// readings_raw and every stored reading is counted in exactly one window.
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { test } from 'node:test'
import { waitFor } from '../../processor/helpers/pipeline-fixture.ts'
import { processorMetric, processorReady } from '../helpers/chaos-processor.ts'
import { runChaos } from '../helpers/chaos-pipeline.ts'

const OUTAGE_MS = 30_000 // the brief's outage: longer than the processor's write retries (≈ 3 s)

test('Cassandra stopped for 30 s mid-stream: paused, not ready, then acked readings stored once, counted in one window', { timeout: 300_000 }, async (t) => {
  await runChaos(t, { name: 'ccs' }, async (p) => {
    await p.processed('readings processed before the outage', 500, 30_000)
    assert.equal((await processorReady(p.processor)).status, 200)
    await p.stack.stop('cassandra')
    // the outage is counted from the moment the process is gone (a SIGTERM'd Cassandra drains first)
    const stoppedAt = Date.now()
    p.phase('Cassandra stopped')
    const notReady = await waitFor(
      'the processor to report not ready',
      async () => {
        const r = await processorReady(p.processor)
        return r.status === 503 && r
      },
      20_000,
      250,
    )
    assert.ok(notReady.reasons.some((r) => /paused|Cassandra/.test(r)), `reasons: ${notReady.reasons.join('; ')}`)
    await waitFor('partitions to pause', async () => (await processorMetric(p.processor, 'processor_paused_partitions')) > 0, 20_000, 250)
    p.phase('processor paused and not ready')
    await p.ackedGrows('readings acknowledged (into Kafka) while Cassandra is down', 300, 20_000)
    await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt)))
    assert.equal((await processorReady(p.processor)).status, 503, 'still not ready at the end of the outage')
    await p.stack.start('cassandra')
    p.phase('Cassandra started again')
    await waitFor('the processor to be ready again', async () => (await processorReady(p.processor)).status === 200, 60_000, 250)
    p.phase('processor ready again')
    return async () => {
      assert.equal(await processorMetric(p.processor, 'processor_paused_partitions'), 0)
      assert.ok((await processorMetric(p.processor, 'processor_store_failures_total')) > 0, 'the outage was seen as store failures')
    }
  })
})
