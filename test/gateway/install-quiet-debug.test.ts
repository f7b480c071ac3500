import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { test } from 'node:test'
import { repoRoot } from './helpers/spawn-tsx.ts'

// Each case is a fresh Node process: the substitution is about module load order.
function run(code: string, env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const childEnv: Record<string, string | undefined> = { ...process.env, ...env }
  if (!('DEBUG' in env)) delete childEnv.DEBUG
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000, env: childEnv })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

// What mqtt-packet's parser gets from `require('debug')`, and a PUBLISH parsed through it.
const probe = `
  import { createRequire } from 'node:module'
  import { dirname } from 'node:path'
  const require = createRequire(process.cwd() + '/x.js')
  const mqtt = (await import('mqtt-packet')).default
  const debugPath = require.resolve('debug', { paths: [dirname(require.resolve('mqtt-packet/package.json'))] })
  const logger = require(debugPath)('mqtt-packet:parser')
  const parser = mqtt.parser()
  const packets = []
  parser.on('packet', (p) => packets.push(p))
  parser.parse(mqtt.generate({ cmd: 'publish', topic: 'devices/d1/telemetry', payload: '{"temperature":21.5}', qos: 1, messageId: 7, retain: false, dup: false }))
  console.log(JSON.stringify({ enabled: logger.enabled, off: logger.name === 'debugOff', topic: packets[0]?.topic, messageId: packets[0]?.messageId }))`

test('imported first, mqtt-packet gets a no-op logger for its disabled namespaces and still parses', () => {
  const r = run(`import './gateway/install-quiet-debug.ts'\n${probe}`)
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout.trim()), { enabled: false, off: true, topic: 'devices/d1/telemetry', messageId: 7 })
  assert.equal(r.stderr, '')
})

test('without it, the logger is debug’s own (what the no-op replaces)', () => {
  const r = run(probe)
  assert.equal(r.status, 0, r.stderr)
  assert.equal(JSON.parse(r.stdout.trim()).off, false)
})

test('DEBUG=mqtt-packet:* at start-up still logs as before', () => {
  const r = run(`import './gateway/install-quiet-debug.ts'\n${probe}`, { DEBUG: 'mqtt-packet:parser' })
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout.trim()), { enabled: true, off: false, topic: 'devices/d1/telemetry', messageId: 7 })
  assert.match(r.stderr, /mqtt-packet:parser/)
})

test('imported after mqtt-packet has loaded, it stops the process with a clear error', () => {
  const r = run(`await import('aedes')\nawait import('./gateway/install-quiet-debug.ts')`)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /mqtt-packet was loaded before gateway\/install-quiet-debug\.ts: import it first/)
})
