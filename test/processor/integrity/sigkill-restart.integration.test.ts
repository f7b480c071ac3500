// B.8 #31: the processor is SIGKILLed mid-stream (a child process, no shutdown hook runs) and
// started again: the new process loads the partitions' checkpoints, replays the records after them,
// and the stored results are identical to the uninterrupted oracle — nothing lost, nothing twice.
// The first life holds raw rows back until its checkpoints (raw write delay 60 s), so the kill
// drops raw readings it had processed but not written; the replay must write them.
import assert from 'node:assert/strict'
import { spawn, type ChildProcess } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { stackEnv } from '../../helpers/stack-env.ts'
import { goldenSpec, rulesFile } from '../helpers/golden-rules.ts'
import { deviceName, goldenStream, oracle } from '../helpers/golden-stream.ts'
import { fixture, processorArgv, produce, settle, settleRaw, waitFor, type Fixture } from '../helpers/pipeline-fixture.ts'

const root = join(import.meta.dirname, '..', '..', '..')

function spawnProcessor(f: Fixture, extra: Record<string, string | number>): { child: ChildProcess; output: () => string } {
  let out = ''
  const child = spawn(process.execPath, ['--import', 'tsx', 'processor/main.ts', ...processorArgv(f, extra)], { cwd: root, env: { ...process.env }, stdio: ['ignore', 'pipe', 'pipe'] })
  child.stdout?.on('data', (b: Buffer) => void (out += b.toString()))
  child.stderr?.on('data', (b: Buffer) => void (out += b.toString()))
  return { child, output: () => out }
}

async function checkpoints(f: Fixture): Promise<Map<number, bigint>> {
  const rs = await f.client.execute('SELECT partition, next_offset FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition IN (0, 1, 2)', [f.groupId, f.topics.readings])
  return new Map(rs.rows.map((r) => [r.get('partition') as number, BigInt(String(r.get('next_offset')))]))
}

test('SIGKILL mid-stream, restart: identical stored results', { timeout: 180_000 }, async () => {
  const spec = goldenSpec()
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  const expected = oracle(deliveries, spec)
  const devices = Array.from({ length: spec.devices }, (_, i) => deviceName(i))
  const common = {
    'processor-window-sizes-ms': spec.windowSizesMs.join(','),
    'processor-allowed-lateness-ms': spec.latenessMs,
    'processor-checkpoint-interval-ms': 300,
    'processor-rules-file': rulesFile(spec),
  }
  const children: ChildProcess[] = []
  try {
    // first life: a long idle timeout, so everything it does is driven by records alone
    const a = spawnProcessor(f, { ...common, 'processor-idle-timeout-ms': 120_000, 'processor-raw-write-delay-ms': 60_000, 'processor-instance-id': 'first' })
    children.push(a.child)
    const cut1 = Math.floor(deliveries.length * 0.4)
    const cut2 = Math.floor(deliveries.length * 0.7)
    await produce(f, deliveries.slice(0, cut1))
    await waitFor('first checkpoints of every partition', async () => (await checkpoints(f)).size === spec.partitions, 60_000, 250).catch((err: Error) => {
      throw new Error(`${err.message}; the processor said:\n${a.output().slice(-3_000)}`)
    })
    await produce(f, deliveries.slice(cut1, cut2), 200)
    a.child.kill('SIGKILL')
    await new Promise((r) => a.child.once('exit', r))
    const atKill = await checkpoints(f)
    const sentBeforeKill = BigInt(cut2)
    assert.ok([...atKill.values()].reduce((x, y) => x + y, 0n) < sentBeforeKill + 2n, 'the kill left records after the last checkpoints')
    await produce(f, deliveries.slice(cut2))

    const b = spawnProcessor(f, { ...common, 'processor-idle-timeout-ms': 3_000, 'processor-instance-id': 'second' })
    children.push(b.child)
    const problems = await settle(f, expected, devices, spec, 90_000)
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences; second process said:\n${b.output().slice(-2_000)}`)
    const raw = await settleRaw(f, deliveries, 15_000)
    assert.equal(raw.stored, raw.unique, 'raw rows stored against unique readings')
  } finally {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL')
    await f.destroy()
  }
})
