// Publishing against real brokers on free ports: every QoS 1 message the broker acknowledged must
// reach a subscriber byte for byte, each device must connect with clientId = deviceId, and a lost
// link must fire the retained `offline` Will.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import type { PublishRecord } from '../../../device-sim/engine/publish-record.ts'
import { runLive } from '../../../device-sim/engine/run-live.ts'
import { type Broker, record, startAedes, startMosquitto } from './broker-harness.ts'

const PASSWORD = 's3cret'

async function runAgainst(broker: Broker, over: Record<string, unknown>, password = PASSWORD) {
  const rec = await record(broker.url, 'recorder', PASSWORD)
  const cfg = Value.Default(SimConfigSchema, { devices: 12, interval: '2s', duration: '60s', speed: 60, qos: 1, seed: 9, start: '2026-03-01T00:00:00Z', url: broker.url, password, ...over }) as SimConfig
  const acked: PublishRecord[] = []
  const result = await runLive(planFleet(cfg), {
    transport: { url: cfg.url, username: '', password, connectTimeoutMs: 5000, speed: cfg.speed, maxConnecting: 50, onAck: (r) => acked.push(r) },
    drainMs: 5000,
  })
  await new Promise((r) => setTimeout(r, 300))
  await rec.close()
  return { result, acked, received: rec.messages }
}

function assertAllAckedArrived(acked: readonly PublishRecord[], received: readonly { topic: string; payload: string }[]): void {
  const counts = new Map<string, number>()
  for (const m of received) counts.set(`${m.topic}\u0000${m.payload}`, (counts.get(`${m.topic}\u0000${m.payload}`) ?? 0) + 1)
  const missing = acked.filter((r) => {
    const k = `${r.topic}\u0000${r.payload}`
    const c = counts.get(k) ?? 0
    if (c === 0) return true
    counts.set(k, c - 1)
    return false
  })
  assert.deepEqual(missing.map((r) => `${r.topic} ${r.payload}`), [])
}

for (const [name, start] of [
  ['aedes', () => startAedes(PASSWORD)],
  ['mosquitto', () => startMosquitto()],
] as const) {
  describe(`live publishing against ${name}`, () => {
    let broker: Broker
    before(async () => {
      broker = await start()
    })
    after(async () => {
      await broker.close()
    })

    test('QoS 1: every acknowledged message arrives exactly as generated', async () => {
      const { result, acked, received } = await runAgainst(broker, {})
      const telemetry = acked.filter((r) => r.kind === 'telemetry')
      assert.ok(telemetry.length >= 12 * 20, `only ${telemetry.length} telemetry acks`)
      // with no simulated link drops (this seed) nothing may fail; a drop could legitimately cut
      // an in-flight publish, which would make the count depend on wall-clock timing
      assert.equal(result.totals.wifiDrops, 0)
      assert.equal(result.transport.failed, 0)
      assertAllAckedArrived(acked, received)
      if (name === 'aedes') {
        const ids = new Set(telemetry.map((r) => r.deviceId))
        for (const id of ids) assert.ok(broker.clientIds.has(id), `clientId ${id}`)
      }
    })

    test('a lost Wi-Fi link fires the retained offline Will; reconnects announce online again', async () => {
      const { acked, received } = await runAgainst(broker, { devices: 6, chaos: { disconnectsPerHour: 120 }, idPrefix: `will${name}` })
      const offline = received.filter((m) => m.topic.endsWith('/status') && m.payload === 'offline')
      assert.ok(offline.length > 0, 'some Will fired')
      const online = received.filter((m) => m.topic.endsWith('/status') && m.payload === 'online')
      assert.ok(online.length > 6, 'each reconnect publishes online')
      assertAllAckedArrived(acked, received)
    })

    test('QoS 0 (PubSubClient) in Tasmota dialect reaches the broker', async () => {
      const { result, received } = await runAgainst(broker, { qos: 0, dialect: 'tasmota', devices: 4, idPrefix: `q0${name}` })
      const sensor = received.filter((m) => m.topic.endsWith('/SENSOR'))
      assert.ok(sensor.length > 0)
      assert.ok(result.transport.published >= sensor.length)
    })
  })
}

test('wrong credentials are refused by the broker and counted as failures', async () => {
  const broker = await startAedes(PASSWORD)
  try {
    const { result, acked } = await runAgainst(broker, { devices: 2, duration: '10s', idPrefix: 'badpw' }, 'wrong')
    assert.equal(acked.length, 0)
    assert.ok(result.transport.connectFailures > 0)
  } finally {
    await broker.close()
  }
})

test('deep sleepers at ×200 speed: every telemetry reaches the broker although a wake is shorter than a TCP connect', async () => {
  const broker = await startAedes(PASSWORD)
  try {
    const { result, acked, received } = await runAgainst(broker, { devices: 5, power: 'deep-sleep', interval: '30s', duration: '10m', speed: 200, idPrefix: 'sleepy' })
    const sent = acked.filter((r) => r.kind === 'telemetry').length
    assert.ok(sent >= 5 * 18, `acked ${sent}`)
    assert.equal(result.transport.failed, 0)
    assertAllAckedArrived(acked, received)
    assert.equal(received.filter((m) => m.payload === 'offline').length, 0, 'a DISCONNECT before sleep discards the Will')
  } finally {
    await broker.close()
  }
})
