// `npm run gateway` as a process against the REAL Kafka: a device added with the add-device
// command connects, its QoS 1 readings are acknowledged and in Kafka, /ready and /metrics answer,
// and SIGTERM with the device still connected closes its session, flushes and exits 0.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Kafka } from 'kafkajs'
import mqtt from 'mqtt'
import type { Stream } from '../../gateway/sink/telemetry-sink.ts'
import { createTestTopics, deleteTestTopics, kafkaFromEnv, TopicCollector } from './helpers/kafka-fixture.ts'
import { runTsx, spawnTsx } from './helpers/spawn-tsx.ts'

describe('gateway process', () => {
  let kafka: Kafka
  let topics: Record<Stream, string>
  let collector: TopicCollector
  const dir = mkdtempSync(join(tmpdir(), 'gw-main-'))

  before(async () => {
    kafka = kafkaFromEnv()
    topics = await createTestTopics(kafka)
    collector = await TopicCollector.start(kafka, Object.values(topics))
  })
  after(async () => {
    await collector?.stop()
    if (topics) await deleteTestTopics(kafka, topics)
    rmSync(dir, { recursive: true, force: true })
  })

  it('serves devices, reports health, and exits 0 on SIGTERM', async () => {
    const creds = join(dir, 'devices.json')
    const added = await runTsx('gateway/add-device-main.ts', ['proc-1', '--credentials-file', creds])
    assert.equal(added.code, 0, added.stderr)
    const password = added.stdout.trim()

    const child = spawnTsx('gateway/main.ts', [
      '--mqtt-host', '127.0.0.1', '--mqtt-port', '0', '--gateway-http-port', '0', '--auth-credentials-file', creds,
      '--topics-readings', topics.readings, '--topics-dlq', topics.dlq, '--topics-device-events', topics.events,
      '--delivery-spool-dir', join(dir, 'spool'),
      '--no-pipeline-counters', // not into the shared stack's default keyspace
    ])
    const lines: string[] = []
    let buf = ''
    child.stdout?.on('data', (d: Buffer) => {
      buf += d.toString()
      const parts = buf.split('\n')
      buf = parts.pop() ?? ''
      lines.push(...parts)
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
    try {
      let listening: { listeners: Array<{ port: number }>; http: number } | undefined
      for (let i = 0; i < 200 && !listening; i++) {
        const l = lines.find((x) => x.includes('"gateway listening"'))
        if (l) listening = JSON.parse(l) as typeof listening
        else await new Promise((r) => setTimeout(r, 50))
      }
      assert.ok(listening, 'gateway started')
      const mqttPort = listening.listeners[0]?.port
      const ready = await fetch(`http://127.0.0.1:${listening.http}/ready`)
      assert.equal(ready.status, 200)

      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'proc-1', username: 'proc-1', password, keepalive: 30, protocolVersion: 4, reconnectPeriod: 0 })
      for (let seq = 1; seq <= 5; seq++) await client.publishAsync('devices/proc-1/telemetry', JSON.stringify({ seq, temperature: 20 }), { qos: 1 })
      const clientClosed = new Promise<void>((r) => client.once('close', () => r()))
      const got = await collector.waitFor(topics.readings, (v) => v.deviceId === 'proc-1', 5)
      assert.deepEqual(got.map((v) => v.seq).sort(), [1, 2, 3, 4, 5])
      const metrics = await (await fetch(`http://127.0.0.1:${listening.http}/metrics`)).text()
      assert.match(metrics, /^gateway_readings_accepted_total 5$/m)
      await collector.waitFor(topics.events, (v) => v.deviceId === 'proc-1' && v.kind === 'connect')

      child.kill('SIGTERM') // with the device still connected
      assert.equal(await exited, 0)
      await clientClosed
      client.end(true)
      assert.ok(lines.some((l) => l.includes('"stopped"')), 'final log line written')
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL')
    }
  })
})
