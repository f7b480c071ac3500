// npm run demo as a user runs it (against the test stack, in a keyspace of its own): every service
// becomes ready, the banner names the dashboard, the simulated fleet appears through the API within
// a minute, a pasted mosquitto_pub device lands too, and Ctrl-C (SIGINT) stops everything, exit 0.
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { createCassandraClient } from '../../config/cassandra-connection.ts'
import { stackEnv, uniqueName } from '../helpers/stack-env.ts'

const root = join(import.meta.dirname, '..', '..')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('demo: ready, fleet visible in the API, mosquitto_pub lands, Ctrl-C stops everything', { timeout: 240_000 }, async () => {
  const { cassandra } = stackEnv()
  const keyspace = uniqueName('demo').toLowerCase()
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'demo', 'main.ts')], {
    cwd: root,
    env: { ...process.env, IOT_CASSANDRA_KEYSPACE: keyspace, IOT_DEMO_MQTT_PORT: '0', IOT_DEMO_API_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const exited = new Promise<number | null>((r) => child.once('exit', (c) => r(c)))
  try {
    for (let i = 0; i < 600 && !out.includes('The pipeline is running'); i++) await sleep(200)
    assert.ok(out.includes('The pipeline is running'), out.slice(-3000))
    const api = Number(/dashboard\s+http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)?.[1])
    const mqtt = Number(/MQTT\s+mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(out)?.[1])
    const pub = /(mosquitto_pub .*)$/m.exec(out)?.[1] as string
    assert.ok(api && mqtt && pub, out.slice(-2000))
    assert.ok((await fetch(`http://127.0.0.1:${api}/`)).ok, 'the dashboard page is served')

    // The pasted line, run as a user would (through a shell).
    assert.equal(spawnSync('sh', ['-c', pub], { encoding: 'utf8' }).status, 0)
    let ids: string[] = []
    for (let i = 0; i < 60; i++) {
      const body = (await (await fetch(`http://127.0.0.1:${api}/api/devices?limit=100`)).json()) as { items: Array<{ deviceId: string }> }
      ids = body.items.map((d) => d.deviceId)
      if (ids.filter((id) => id.startsWith('demo-')).length >= 10 && ids.includes('my-esp32')) break
      await sleep(1_000)
    }
    assert.equal(ids.filter((id) => id.startsWith('demo-')).length, 10, `fleet devices in the API: ${ids.join(', ')}`)
    assert.ok(ids.includes('my-esp32'), 'the mosquitto_pub device is in the API')
    for (const profile of ['bme280', 'dht22', 'ds18b20', 'sht31']) assert.ok(ids.some((id) => id.startsWith(`demo-${profile}-`)), profile)

    child.kill('SIGINT')
    const code = await Promise.race([exited, sleep(60_000).then(() => 'timeout')])
    assert.equal(code, 0, out.slice(-2000))
    assert.match(out, /\[demo\] stopped/)
    await assert.rejects(fetch(`http://127.0.0.1:${api}/health`), 'the API is gone')
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL')
    const admin = createCassandraClient(cassandra, { withoutKeyspace: true })
    await admin.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await admin.shutdown()
  }
})
