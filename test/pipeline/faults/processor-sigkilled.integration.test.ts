// Fault: the processor process is SIGKILLed mid-stream (no shutdown hook runs) under steady QoS 1
// load through the real gateway, then a new process starts in the same consumer group.
// Guarantee (delivery-and-security.md B.8 #31, whole pipeline): it resumes from the partitions'
// checkpoints and replays what came after them; every reading acknowledged to a device is stored
// exactly once in readings_raw and every stored reading is counted in exactly one window.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { processorMetric } from '../helpers/chaos-processor.ts'
import { runChaos } from '../helpers/chaos-pipeline.ts'

test('processor SIGKILLed mid-stream and restarted: acked readings stored once, counted in one window', { timeout: 300_000 }, async (t) => {
  // A SIGKILLed instance's partitions go to its successor after the session timeout: 6 s instead
  // of the product's 30 s keeps the file short.
  await runChaos(t, { name: 'cps', processorSessionTimeoutMs: 6_000 }, async (p) => {
    await p.processed('readings processed before the kill', 500, 30_000)
    const killed = p.processor
    killed.child.kill('SIGKILL')
    await killed.exited
    const atKill = await p.offsets()
    p.phase(`processor SIGKILLed with ${atKill.committed} of ${atKill.end} records committed`)
    assert.ok(atKill.committed > 0, 'the first process had checkpointed and committed before the kill')
    // devices keep publishing into Kafka while no processor runs
    await p.ackedGrows('readings acknowledged while the processor is down', 300, 20_000)
    await p.restartProcessor()
    p.phase('processor restarted')
    await p.processed('readings processed by the new process', 300, 30_000)
    return async () => {
      // The new process started at the checkpoints: it consumed at most what lies after the
      // offsets committed before the kill (from the beginning it would have consumed them all).
      const { end } = await p.offsets()
      const consumed = await processorMetric(p.processor, 'processor_records_total')
      assert.ok(consumed <= end - atKill.committed, `new process consumed ${consumed} records; ${end} in the topic, ${atKill.committed} committed before the kill`)
    }
  })
})
