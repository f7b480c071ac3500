// The processor's pipeline counters across a SIGKILL (the design choice of
// processor/consume/pipeline-counts.ts): a processor process is killed mid-stream after it has
// flushed counts for records it never checkpointed; a new process loads the checkpoints, replays,
// and the counts GET /api/pipeline reports equal those of one uninterrupted run over the same
// records (the in-memory PartitionProcessor) — nothing counted twice, nothing lost.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { build } from '../../api/app.ts'
import { ApiConfig } from '../../api/config.ts'
import { loadConfig } from '../../config/load-config.ts'
import { Rules, defaultImpossible } from '../../processor/anomalies/rules-file.ts'
import { Effects } from '../../processor/consume/effects.ts'
import { PartitionProcessor } from '../../processor/consume/partition-processor.ts'
import { stackEnv } from '../helpers/stack-env.ts'
import { goldenRules, rulesFile } from '../processor/helpers/golden-rules.ts'
import { goldenStream, type StreamSpec } from '../processor/helpers/golden-stream.ts'
import { fixture, processorArgv, produce, waitFor, type Fixture } from '../processor/helpers/pipeline-fixture.ts'

const root = join(import.meta.dirname, '..', '..')
const minute = 60_000

function spawnProcessor(f: Fixture, extra: Record<string, string | number>): { child: ChildProcess; output: () => string } {
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'processor/main.ts', ...processorArgv(f, extra)], { cwd: root, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (b: Buffer) => void (out += b.toString()))
  child.stderr?.on('data', (b: Buffer) => void (out += b.toString()))
  return { child, output: () => out }
}

type Counts = Record<string, Record<string, number>>

test('SIGKILL after flushing uncheckpointed counts, restart: /api/pipeline equals one uninterrupted run', { timeout: 150_000 }, async () => {
  const spec: StreamSpec = {
    seed: 77,
    devices: 6,
    partitions: 3,
    readingsPerDevice: 300,
    intervalMs: 1_000,
    t0: Math.floor((Date.now() - 3_600_000) / minute) * minute,
    latenessMs: 5_000,
    windowSizesMs: [10_000],
  }
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  // The uninterrupted run: the same code, in memory, every window closed at the end.
  const model: Counts = {}
  for (let p = 0; p < spec.partitions; p++) {
    const proc = new PartitionProcessor({
      windowSizesMs: spec.windowSizesMs,
      allowedLatenessMs: spec.latenessMs,
      maxFutureMs: 300_000,
      defaultReportingIntervalMs: 0,
      rawStorage: true,
      rules: new Rules({ ...goldenRules(spec.devices, spec.intervalMs), impossible: defaultImpossible }),
    })
    const fx = new Effects()
    for (const d of deliveries.filter((x) => x.partition === p)) proc.processValue(Buffer.from(d.value), fx, d.key)
    proc.idle(Date.now() + 86_400_000, 0, 1_000, fx)
    for (const [dev, c, v] of proc.pipeline.entries()) (model[dev] ??= {})[c] = ((model[dev] as Record<string, number>)[c] ?? 0) + v
  }
  const common = {
    'processor-window-sizes-ms': spec.windowSizesMs.join(','),
    'processor-allowed-lateness-ms': spec.latenessMs,
    'processor-rules-file': rulesFile(spec),
    'processor-pipeline-counters-interval-ms': 200,
  }
  const api = await build({
    config: loadConfig(ApiConfig, { env: {}, argv: [`--cassandra-keyspace=${f.keyspace}`, `--cassandra-contact-points=${f.cassandra.contactPoints.join(',')}`, `--kafka-brokers=${f.kafkaConn.brokers.join(',')}`, '--limits-cache-ms=0'] }),
    logger: false,
  })
  const processorCounts = async (): Promise<Counts> => {
    const r = await api.inject('/api/pipeline')
    assert.equal(r.statusCode, 200, r.body)
    const body = r.json() as { devices: Array<{ deviceId: string; processor: Record<string, number> }> }
    return Object.fromEntries(body.devices.map((d) => [d.deviceId, d.processor]))
  }
  const asApi = (c: Counts): Counts =>
    Object.fromEntries(
      Object.entries(c).map(([d, m]) => [d, { consumed: m.consumed ?? 0, duplicates: m.duplicates ?? 0, storedRaw: m.stored_raw ?? 0, invalid: m.invalid ?? 0, windowed: m.windowed ?? 0, late: m.late ?? 0, deadLettered: m.dead_lettered ?? 0 }]),
    )
  const children: ChildProcess[] = []
  try {
    // first life: checkpoints rarely (5 s) but flushes counts often (200 ms), so the kill lands
    // after counts of uncheckpointed records were written — what a per-process tally would double
    const a = spawnProcessor(f, { ...common, 'processor-idle-timeout-ms': 120_000, 'processor-checkpoint-interval-ms': 5_000, 'processor-instance-id': 'first' })
    children.push(a.child)
    const cut = Math.floor(deliveries.length * 0.6)
    await produce(f, deliveries.slice(0, cut))
    await waitFor(
      'the first process flushed counts',
      async () => {
        const c = await processorCounts()
        return Object.values(c).reduce((s, m) => s + (m.consumed ?? 0), 0) > 0
      },
      60_000,
      100,
    ).catch((err: Error) => {
      throw new Error(`${err.message}; the processor said:\n${a.output().slice(-3_000)}`)
    })
    await produce(f, deliveries.slice(cut), 200)
    await new Promise((r) => setTimeout(r, 700)) // let it process and flush some of the rest, unchecked
    a.child.kill('SIGKILL')
    await new Promise((r) => a.child.once('exit', r))
    const ck = await f.client.execute('SELECT next_offset FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition IN (0, 1, 2)', [f.groupId, f.topics.readings], { prepare: true })
    const checkpointed = ck.rows.reduce((s, r) => s + Number(r.get('next_offset')), 0)
    assert.ok(checkpointed < deliveries.length, `the kill left records after the last checkpoints to replay (${checkpointed} of ${deliveries.length})`)
    const atKill = await processorCounts()
    const consumedAtKill = Object.values(atKill).reduce((s, m) => s + (m.consumed ?? 0), 0)

    const b = spawnProcessor(f, { ...common, 'processor-idle-timeout-ms': 2_000, 'processor-checkpoint-interval-ms': 300, 'processor-instance-id': 'second' })
    children.push(b.child)
    const want = asApi(model)
    let last: Counts = {}
    await waitFor(
      'the counts of one uninterrupted run',
      async () => {
        last = await processorCounts()
        try {
          assert.deepEqual(last, want)
          return true
        } catch {
          return false
        }
      },
      90_000,
      500,
    ).catch(() => {
      assert.deepEqual(last, want, `second process said:\n${b.output().slice(-2_000)}`)
    })
    console.log(JSON.stringify({ deliveries: deliveries.length, checkpointedAtKill: checkpointed, consumedFlushedAtKill: consumedAtKill }))
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    await api.close()
    await f.destroy()
  }
})
