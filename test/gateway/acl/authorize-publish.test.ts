// ACL at the packet level: a device publishes only in its own namespace in the supported dialects,
// never `$SYS/` or another device's; its Will passes the same ACL; subscriptions are restricted.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'


describe('publish ACL', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  for (const topic of ['devices/dev-2/telemetry', 'tele/dev-2/SENSOR', 'dev-2/sensor/temperature/state', '$SYS/broker/x', 'other/topic']) {
    it(`dev-1 publishing to ${topic} → closed, no PUBACK, nothing stored`, async () => {
      const before = gw.sink.records.filter((r) => r.stream !== 'events').length
      const { c } = await connectRaw(gw.port, loginOf('dev-1'))
      c.send(publishPacket(topic, '{"temperature":20}', 1, 5))
      assert.equal(await c.next('puback', 500), null)
      assert.ok(await c.closesWithin(1_000))
      assert.equal(gw.sink.records.filter((r) => r.stream !== 'events').length, before)
    })
  }

  it('an own topic no dialect knows is dead-lettered as unknown dialect, and acked', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    c.send(publishPacket('devices/dev-1/firmware', 'v1', 1, 6))
    assert.ok(await c.next('puback'))
    assert.equal((gw.sink.of('dlq').at(-1) as { reason: string }).reason, 'GW_REJECT_UNKNOWN_DIALECT')
    c.destroy()
  })

  it('a Will aimed at another device is not published; an own Will is, as a will event', async () => {
    const foreign = { topic: 'devices/dev-1/status', payload: Buffer.from('offline'), qos: 1 as const, retain: false }
    const a = await connectRaw(gw.port, { ...loginOf('dev-2'), will: foreign })
    assert.equal(a.returnCode, 0)
    a.c.destroy() // ungraceful: the broker fires the Will
    await a.c.closed
    const own = { topic: 'devices/dev-1/status', payload: Buffer.from('offline'), qos: 1 as const, retain: false }
    const b = await connectRaw(gw.port, { ...loginOf('dev-1'), will: own })
    b.c.destroy()
    await b.c.closed
    await new Promise((r) => setTimeout(r, 200))
    const wills = (gw.sink.of('events') as Array<{ kind: string; deviceId: string }>).filter((e) => e.kind === 'will')
    assert.deepEqual(wills.map((w) => w.deviceId), ['dev-1'])
    assert.equal(gw.metrics.aclDenied.get({ reason: 'foreign', op: 'will' }), 1)
  })
})

describe('subscribe ACL', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  it('grants own command namespaces and refuses others with SUBACK 0x80', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    const filters = ['cmnd/dev-1/#', 'dev-1/switch/relay/command', '#', 'devices/+/telemetry', 'devices/dev-2/#', '$SYS/#', 'tele/#']
    c.send({ cmd: 'subscribe', messageId: 9, subscriptions: filters.map((topic) => ({ topic, qos: 1 })) })
    const ack = (await c.next('suback')) as { granted: number[] } | null
    assert.deepEqual(ack?.granted, [1, 1, 128, 128, 128, 128, 128])
    c.destroy()
  })
})

describe('store growth', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({ limits: { maxSubscriptions: 3 } })
  })
  after(async () => gw.close())

  it('caps granted filters per session, also within one SUBSCRIBE', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    const filters = ['cmnd/dev-1/a', 'cmnd/dev-1/b', 'cmnd/dev-1/c', 'cmnd/dev-1/d']
    c.send({ cmd: 'subscribe', messageId: 2, subscriptions: filters.map((topic) => ({ topic, qos: 0 })) })
    const ack = (await c.next('suback')) as { granted: number[] } | null
    assert.deepEqual(ack?.granted, [0, 0, 0, 128])
    assert.equal(gw.metrics.limitHits.get({ limit: 'max_subscriptions' }), 1)
    c.destroy()
  })

  it('retain is kept only on status topics', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-2'))
    c.send({ ...publishPacket('dev-2/made-up/1', 'x', 1, 1), retain: true })
    c.send({ ...publishPacket('devices/dev-2/status', 'online', 1, 2), retain: true })
    assert.ok(await c.next('puback'))
    assert.ok(await c.next('puback'))
    c.destroy()
    const watcher = await connectRaw(gw.port, loginOf('dev-2'))
    watcher.c.send({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'dev-2/#', qos: 0 }, { topic: 'devices/dev-2/status', qos: 0 }] })
    assert.ok(await watcher.c.next('suback'))
    const retained = await watcher.c.next('publish', 500)
    assert.equal((retained as { topic?: string } | null)?.topic, 'devices/dev-2/status')
    assert.equal(await watcher.c.next('publish', 300), null, 'the made-up topic was not retained')
    assert.equal(gw.metrics.limitHits.get({ limit: 'retain_stripped' }), 1)
    watcher.c.destroy()
  })
})
