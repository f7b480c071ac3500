// Scale-out: a second instance joins the group mid-stream (a rebalance moves partitions with
// uncheckpointed progress); the stored results equal the oracle of a single run.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { startProcessor, type RunningProcessor } from '../../../processor/processor.ts'
import { stackEnv } from '../../helpers/stack-env.ts'
import { goldenSpec, rulesFile } from '../helpers/golden-rules.ts'
import { deviceName, goldenStream, oracle } from '../helpers/golden-stream.ts'
import { fixture, processorConfig, produce, settle, waitFor } from '../helpers/pipeline-fixture.ts'

test('two instances in one group store the same results as one', { timeout: 180_000 }, async () => {
  const spec = goldenSpec()
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  const expected = oracle(deliveries, spec)
  const devices = Array.from({ length: spec.devices }, (_, i) => deviceName(i))
  const cfg = (id: string) =>
    processorConfig(f, {
      'processor-window-sizes-ms': spec.windowSizesMs.join(','),
      'processor-allowed-lateness-ms': spec.latenessMs,
      // longer than a rebalance, so no partition looks idle while the group re-forms
      'processor-idle-timeout-ms': 8_000,
      'processor-checkpoint-interval-ms': 300,
      'processor-rules-file': rulesFile(spec),
      'processor-instance-id': id,
    })
  const procs: RunningProcessor[] = []
  try {
    procs.push(await startProcessor(cfg('a')))
    const half = Math.floor(deliveries.length / 2)
    await produce(f, deliveries.slice(0, half))
    await waitFor('instance a to make progress', async () => procs[0] && procs[0].counters.readings > 500, 30_000, 200)
    procs.push(await startProcessor(cfg('b')))
    await produce(f, deliveries.slice(half), 300)
    const problems = await settle(f, expected, devices, spec, 100_000)
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences`)
    assert.ok(procs.every((p) => p.counters.readings > 0), `both instances worked: ${procs.map((p) => p.counters.readings).join(', ')}`)
  } finally {
    await Promise.all(procs.map((p) => p.stop().catch(() => {})))
    await f.destroy()
  }
})
