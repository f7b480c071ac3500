// Fault: the Kafka process is SIGKILLed mid-stream under steady QoS 1 load, then restarted on the
// same data and ports. Guarantee (delivery-and-security.md B.8 #21/#26, whole pipeline): the
// gateway keeps acknowledging from its fsync'd spool while Kafka is gone and replays it when Kafka
// is back; the processor reconnects and resumes; every reading acknowledged to a device is stored
// exactly once in readings_raw and every stored reading is counted in exactly one window.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { metric } from '../../gateway/helpers/gateway-process.ts'
import { waitFor } from '../../processor/helpers/pipeline-fixture.ts'
import { runChaos } from '../helpers/chaos-pipeline.ts'

test('Kafka SIGKILLed mid-stream and restarted: acked readings stored once, counted in one window', { timeout: 300_000 }, async (t) => {
  await runChaos(t, { name: 'cks', spool: true, processorLogLevel: 'debug' }, async (p) => {
    await p.processed('readings processed before the kill', 500, 30_000)
    p.stack.kill('kafka')
    p.phase('Kafka SIGKILLed')
    await waitFor('the gateway to spool', async () => (await metric(p.gateway, 'gateway_spooled_records_total')) > 0, 20_000, 250)
    await p.ackedGrows('readings acknowledged from the spool while Kafka is down', 300, 20_000)
    await p.stack.start('kafka')
    p.phase('Kafka restarted')
    await waitFor('the spool to be replayed into Kafka', async () => (await metric(p.gateway, 'gateway_replayed_records_total')) > 0, 30_000, 250)
    const before = await p.offsets()
    p.phase(`spool replaying; ${before.end} records in Kafka`)
    return async () => {
      const spooled = await metric(p.gateway, 'gateway_spooled_records_total')
      const replayed = await metric(p.gateway, 'gateway_replayed_records_total')
      assert.equal(replayed, spooled, `the spool was replayed completely (${replayed} of ${spooled} records)`)
      // The checkpoints (authoritative) cover every record; the Kafka commits that follow them
      // must too, or lag monitoring and the next owner's start position stay behind for ever.
      let offsets = await p.offsets()
      await waitFor('the processor to commit its offsets in Kafka again', async () => (offsets = await p.offsets()).committed === offsets.end, 20_000, 500).catch(() => {})
      const skipped = p.processor.lines.filter((l) => l.includes('offset commit skipped'))
      assert.equal(offsets.committed, offsets.end, `Kafka commits stopped after the restart: ${offsets.committed} of ${offsets.end} records committed; ${skipped.length} commits skipped, last: ${skipped.at(-1) ?? 'none logged'}`)
    }
  })
})
