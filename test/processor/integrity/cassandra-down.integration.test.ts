// B.8 #29: Cassandra stopped for 30 s mid-stream (a private Cassandra instance; the shared stack
// is never touched). The processor pauses the partitions, /ready turns 503 with the reason, no
// committed offset advances during the outage; when Cassandra is back it resumes from its
// checkpoints, and the stored results equal the oracle: nothing lost, nothing double-counted.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadConfig } from '../../../config/load-config.ts'
import { CassandraConnection } from '../../../config/cassandra-connection.ts'
import { startProcessor, type RunningProcessor } from '../../../processor/processor.ts'
import { privateStack, type PrivateStack } from '../../helpers/private-stack.ts'
import { stackEnv } from '../../helpers/stack-env.ts'
import { goldenSpec, rulesFile } from '../helpers/golden-rules.ts'
import { deviceName, goldenStream, oracle } from '../helpers/golden-stream.ts'
import { fixture, processorConfig, produce, settle, waitFor, type Fixture } from '../helpers/pipeline-fixture.ts'
import { Type } from '@sinclair/typebox'

const OUTAGE_MS = 30_000

async function committed(f: Fixture): Promise<string> {
  const [t] = await f.admin.fetchOffsets({ groupId: f.groupId, topics: [f.topics.readings] })
  return JSON.stringify(t?.partitions.map((p) => [p.partition, p.offset]).sort())
}

test('Cassandra stopped for 30 s mid-stream: paused, not ready, then nothing lost or double-counted', { timeout: 300_000 }, async (t) => {
  const began = Date.now()
  const phase = (what: string): void => t.diagnostic(`${what} at ${((Date.now() - began) / 1000).toFixed(1)} s`)
  const spec = goldenSpec()
  let stack: PrivateStack | undefined
  let f: Fixture | undefined
  let proc: RunningProcessor | undefined
  try {
    stack = await privateStack(['cassandra'])
    phase('private Cassandra up')
    const cassandra = loadConfig(Type.Object({ c: CassandraConnection }), { argv: [`--c-contact-points=${stack.endpoints.cassandraContactPoint}`], env: {} }).c
    f = await fixture({ kafka: stackEnv().kafka, cassandra }, spec.partitions)
    const deliveries = goldenStream(spec)
    const expected = oracle(deliveries, spec)
    const devices = Array.from({ length: spec.devices }, (_, i) => deviceName(i))
    proc = await startProcessor(
      processorConfig(f, {
        'processor-window-sizes-ms': spec.windowSizesMs.join(','),
        'processor-allowed-lateness-ms': spec.latenessMs,
        'processor-idle-timeout-ms': 5_000,
        'processor-checkpoint-interval-ms': 300,
        'processor-write-retries': 2,
        'processor-retry-base-ms': 100,
        'processor-retry-max-ms': 1_000,
        'processor-rules-file': rulesFile(spec),
      }),
    )
    const ready = async (): Promise<number> => (await fetch(`http://127.0.0.1:${proc?.httpPort}/ready`)).status
    const cut1 = Math.floor(deliveries.length * 0.4)
    const cut2 = Math.floor(deliveries.length * 0.7)
    await produce(f, deliveries.slice(0, cut1))
    await waitFor('progress before the outage', async () => proc && proc.counters.checkpoints >= spec.partitions && proc.counters.readings > 1_000, 60_000, 200)
    assert.equal(await ready(), 200)

    phase('progress before the outage')
    const stoppedAt = Date.now()
    await stack.stop('cassandra')
    t.diagnostic(`stopped after ${Date.now() - stoppedAt} ms`)
    await produce(f, deliveries.slice(cut1, cut2), 300)
    await waitFor('readiness to turn false', async () => (await ready()) === 503, 20_000, 250)
    const body = (await (await fetch(`http://127.0.0.1:${proc.httpPort}/ready`)).json()) as { reasons: string[] }
    assert.ok(body.reasons.some((r) => /paused|Cassandra/.test(r)), body.reasons.join('; '))
    const during = await committed(f)
    await new Promise((r) => setTimeout(r, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))))
    assert.equal(await committed(f), during, 'no offset committed while Cassandra is down')
    assert.equal(await ready(), 503)
    assert.ok(proc.counters.storeFailures > 0)

    phase('outage over')
    await stack.start('cassandra')
    phase('Cassandra back')
    await produce(f, deliveries.slice(cut2))
    const problems = await settle(f, expected, devices, spec, 120_000)
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences; processor: ${JSON.stringify(proc.consumer.status())}`)
    phase('results equal the oracle')
    await waitFor('readiness back', async () => (await ready()) === 200, 20_000, 250).catch(async (err: Error) => {
      assert.fail(`${err.message}: ${await (await fetch(`http://127.0.0.1:${proc?.httpPort}/ready`)).text()}`)
    })
  } finally {
    await proc?.stop().catch(() => {})
    await f?.destroy().catch(() => {})
    stack?.kill('cassandra') // no graceful stop needed for a throw-away instance
    await stack?.destroy()
  }
})

// What an outage used to leave behind: cassandra-driver replaces its Host objects when the control
// connection re-initialises, and the old ones kept a health interval and a reconnecting pool for
// ever (config/cassandra-connection.ts releaseReplacedHosts), so this file's process never ended.
// Timers and TCP handles must be back to what they were before the first test.
const handles = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout' || r.startsWith('TCP')).length
const before = handles()
test('after the outage and a clean shutdown nothing is left running (timers, sockets)', async () => {
  await waitFor('timers and sockets to be released', async () => handles() <= before, 15_000, 500).catch(() => {
    assert.fail(`still active: ${JSON.stringify(process.getActiveResourcesInfo())} (before the tests: ${before} timers and TCP handles)`)
  })
})
