// A second, throw-away stack instance on free ports: up → status → up again → down, checking that
// down stops only what that instance started (the shared stack the other tests use stays up).
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../config/load-config.ts'
import { StackConfig } from '../../local-stack/config.ts'
import { StackError } from '../../local-stack/errors.ts'
import { stackDown, stackStatus, stackUp } from '../../local-stack/stack.ts'
import { stackEnv } from '../helpers/stack-env.ts'

const shared = loadConfig(StackConfig).stack

/** 'gone' for an exited process; a zombie not yet reaped by this (parent) process counts as gone. */
function processState(pid: number): 'running' | 'gone' {
  try {
    const state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0]
    return state === 'Z' || state === 'X' ? 'gone' : 'running'
  } catch {
    return 'gone'
  }
}

function instance(overrides: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'iot-stack-'))
  const argv = [
    `--stack-dir=${dir}`,
    `--stack-cache-dir=${shared.cacheDir}`,
    '--stack-kafka-port=0',
    '--stack-kafka-controller-port=0',
    '--stack-cassandra-port=0',
    '--stack-cassandra-storage-port=0',
    '--stack-kafka-heap-mb=256',
    '--stack-cassandra-heap-mb=512',
    ...overrides,
  ]
  return { dir, cfg: loadConfig(StackConfig, { argv, env: {} }).stack }
}

test('stack lifecycle: up, status, idempotent up, down, status', { timeout: 300_000 }, async () => {
  stackEnv()
  const { dir, cfg } = instance()
  const lines: string[] = []
  try {
    const ep = await stackUp(cfg, (l) => lines.push(l))
    assert.match(ep.kafkaBrokers, /^127\.0\.0\.1:\d+$/)
    assert.notEqual(ep.kafkaBrokers, '127.0.0.1:9092', 'port 0 must pick a free port')
    let status = await stackStatus(cfg)
    assert.deepEqual(status.map((s) => [s.server, s.state]), [['Kafka', 'up'], ['Cassandra', 'up']])
    assert.match(status[0]?.version ?? '', /^4\.1\./)
    assert.match(status[1]?.version ?? '', /^5\.0\./)
    const pids = status.map((s) => s.pid)

    const again: string[] = []
    const ep2 = await stackUp(cfg, (l) => again.push(l))
    assert.deepEqual(ep2, ep)
    assert.equal(again.filter((l) => l.includes('already up')).length, 2, again.join('\n'))
    assert.deepEqual((await stackStatus(cfg)).map((s) => s.pid), pids)

    await stackDown(cfg, () => {})
    status = await stackStatus(cfg)
    assert.deepEqual(status.map((s) => s.state), ['down', 'down'])
    for (const pid of pids) assert.equal(processState(pid as number), 'gone', `pid ${pid} still runs`)

    // The shared stack that the other integration tests use was not touched.
    assert.deepEqual((await stackStatus(shared)).map((s) => s.state), ['up', 'up'])
    const downAgain: string[] = []
    await stackDown(cfg, (l) => downAgain.push(l))
    assert.ok(downAgain.every((l) => l.includes('not running')), downAgain.join('\n'))
  } finally {
    await stackDown(cfg, () => {}).catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
})

test('up refuses a port held by another program and starts nothing', { timeout: 60_000 }, async () => {
  const holder = createServer()
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
  const port = (holder.address() as { port: number }).port
  const { dir, cfg } = instance([`--stack-kafka-port=${port}`])
  try {
    await assert.rejects(stackUp(cfg, () => {}), (err: unknown) => err instanceof StackError && err.code === 'STACK_ERR_PORT_TAKEN' && err.message.includes(String(port)))
    assert.deepEqual((await stackStatus(cfg)).map((s) => s.state), ['down', 'down'], 'nothing may start when a port is refused')
  } finally {
    holder.close()
    await stackDown(cfg, () => {})
    rmSync(dir, { recursive: true, force: true })
  }
})
