// Accepted telemetry goes to Kafka only (gateway/fan-out.ts): a device subscribed to its own
// telemetry topic gets no echo, while its own status and command topics are still delivered by
// aedes, and the telemetry itself still reaches the sink and is acknowledged.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { connectRaw, publishPacket } from './helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from './helpers/test-gateway.ts'


describe('fan-out of accepted telemetry', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  it('telemetry is stored and acknowledged but not echoed to the device own subscription', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'devices/dev-1/#', qos: 0 }] })
    assert.ok(await c.next('suback'))
    c.send(publishPacket('devices/dev-1/telemetry', '{"seq":1,"temperature":21.5}', 1, 2))
    assert.ok(await c.next('puback'), 'acknowledged')
    assert.equal(await c.next('publish', 500), null, 'no echo of the telemetry')
    assert.equal(gw.sink.records.filter((r) => r.stream === 'readings').length, 1)
    assert.equal(gw.metrics.durableSeconds.count, 1, 'the wait for durability is measured (gateway_publish_durable_seconds)')
    // the same subscription still gets the device's status topic (aedes path, retained)
    c.send({ ...publishPacket('devices/dev-1/status', 'online', 1, 3), retain: true })
    assert.ok(await c.next('puback'))
    const status = await c.next('publish')
    assert.equal((status as { topic?: string } | null)?.topic, 'devices/dev-1/status')
    c.destroy()
  })

  it('a topic no dialect knows (a command topic) is still delivered to its subscriber', async () => {
    const { c } = await connectRaw(gw.port, loginOf('esp-1'))
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'esp-1/cmd/#', qos: 0 }] })
    assert.ok(await c.next('suback'))
    c.send(publishPacket('esp-1/cmd/x', 'on', 1, 2))
    assert.ok(await c.next('puback'))
    const got = await c.next('publish')
    assert.equal((got as { topic?: string } | null)?.topic, 'esp-1/cmd/x')
    c.destroy()
  })
})
