import assert from 'node:assert/strict'
import { test } from 'node:test'
import { LeanMqttClient } from '../../../device-sim/mqtt/lean-client.ts'
import { brokerAddress } from '../../../device-sim/mqtt/probe-broker.ts'
import { record, startAedes } from './broker-harness.ts'

function open(url: string, keepaliveS: number, password = 'pw'): Promise<{ c: LeanMqttClient; closed: Promise<string | null> }> {
  return new Promise((resolve, reject) => {
    let closedResolve: (r: string | null) => void = () => {}
    const closed = new Promise<string | null>((r) => {
      closedResolve = r
    })
    const c: LeanMqttClient = new LeanMqttClient(
      { ...brokerAddress(url), clientId: 'dev-a', username: 'dev-a', password, keepaliveS, connectTimeoutMs: 2000, will: { topic: 'devices/dev-a/status', payload: 'offline', qos: 1, retain: true } },
      { onConnect: () => resolve({ c, closed }), onClose: (why) => (closedResolve(why), reject(new Error(why ?? 'closed'))) },
    )
  })
}

test('keepalive: PINGREQ keeps an idle session open past 1.5 × keepalive', async () => {
  const broker = await startAedes('pw')
  try {
    const { c } = await open(broker.url, 1)
    await new Promise((r) => setTimeout(r, 2600))
    assert.equal(c.isConnected, true)
    await c.end(1000)
  } finally {
    await broker.close()
  }
})

test('a refused CONNECT closes with the return code; destroy() fires the Will, end() does not', async () => {
  const broker = await startAedes('pw')
  try {
    await assert.rejects(open(broker.url, 15, 'wrong'), /return code (4|5)/)
    const rec = await record(broker.url, 'recorder', 'pw')
    const a = await open(broker.url, 15)
    await a.c.end(1000)
    const b = await open(broker.url, 15)
    await new Promise<void>((r) => b.c.publish('devices/dev-a/telemetry', '{"seq":1,"temperature":20}', 1, false, (err) => (assert.equal(err, null), r())))
    b.c.destroy('test')
    await new Promise((r) => setTimeout(r, 300))
    await rec.close()
    const will = rec.messages.filter((m) => m.topic === 'devices/dev-a/status')
    assert.deepEqual(will.map((m) => m.payload), ['offline'])
    assert.ok(rec.messages.some((m) => m.payload === '{"seq":1,"temperature":20}'))
  } finally {
    await broker.close()
  }
})
