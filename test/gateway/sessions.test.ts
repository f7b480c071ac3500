// Session-level behaviour: refusing CONNECTs while nothing can be made durable, session takeover,
// throttling within the wait budget, QoS 2 acknowledged only after durability, and a subscriber
// that stops reading is cut off after drainTimeout while others keep being served.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { connectRaw, publishPacket } from './helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from './helpers/test-gateway.ts'


describe('sessions', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({ limits: { publishRatePerSec: 5, publishBurst: 1, throttleMaxWaitMs: 1_000 } })
  })
  after(async () => gw.close())

  it('refuses CONNECT with code 3 while nothing can be made durable', async () => {
    gw.sink.accepting = false
    try {
      const { returnCode } = await connectRaw(gw.port, loginOf('dev-1'))
      assert.equal(returnCode, 3)
      assert.equal(gw.metrics.connectRefused.get({ reason: 'not_ready' }), 1)
    } finally {
      gw.sink.accepting = true
    }
  })

  it('a second connection with the same client id takes over the session [MQTT-3.1.4-2]', async () => {
    const a = await connectRaw(gw.port, loginOf('dev-1'))
    const b = await connectRaw(gw.port, loginOf('dev-1'))
    assert.equal(b.returnCode, 0)
    assert.ok(await a.c.closesWithin(1_000))
    b.c.destroy()
  })

  it('publishes over the rate wait within the budget and are then acknowledged', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-2'))
    const t0 = Date.now()
    for (let i = 1; i <= 3; i++) c.send(publishPacket('devices/dev-2/telemetry', `{"seq":${i},"temperature":1}`, 1, i))
    for (let i = 1; i <= 3; i++) assert.ok(await c.next('puback'))
    assert.ok(Date.now() - t0 >= 350, 'throttled to 5/s')
    assert.ok(gw.metrics.limitHits.get({ limit: 'publish_rate_throttled' }) >= 2)
    c.destroy()
  })

  it('QoS 2: PUBREC only after the sink holds the reading', async () => {
    const { c } = await connectRaw(gw.port, loginOf('tas-1'))
    gw.sink.hold()
    c.send({ ...publishPacket('tele/tas-1/SENSOR', '{"SHT3X":{"Temperature":20}}', 1, 5), qos: 2 })
    assert.equal(await c.next('pubrec', 300), null)
    gw.sink.release()
    assert.ok(await c.next('pubrec'))
    c.send({ cmd: 'pubrel', messageId: 5 })
    assert.ok(await c.next('pubcomp'))
    c.destroy()
  })
})

describe('slow subscriber', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({ limits: { publishRatePerSec: 10_000, publishBurst: 10_000, drainTimeoutMs: 1_000, maxPacketBytes: 70_000 } })
  })
  after(async () => gw.close())

  it('a subscriber that stops reading is disconnected after drainTimeout', async () => {
    const { c } = await connectRaw(gw.port, { ...loginOf('esp-1') })
    c.send({ cmd: 'subscribe', messageId: 1, subscriptions: [{ topic: 'esp-1/cmd/#', qos: 0 }] })
    assert.ok(await c.next('suback'))
    c.socket.pause() // stop reading: the broker's writes back to us pile up
    const big = Buffer.alloc(60_000, 0x61)
    const t0 = Date.now()
    let sent = 0
    while (!c.isClosed && Date.now() - t0 < 8_000) {
      // own namespace, no dialect: dead-lettered, acked, and forwarded to our own subscription
      c.send(publishPacket('esp-1/cmd/x', big, 0))
      sent++
      await new Promise((r) => setTimeout(r, sent % 20 === 0 ? 100 : 0))
    }
    assert.ok(c.isClosed || (await c.closesWithin(3_000)), `disconnected (sent ${sent})`)
    assert.equal(gw.metrics.limitHits.get({ limit: 'drain_timeout' }), 1, 'closed by the drain timeout, counted once')
    const other = await connectRaw(gw.port, loginOf('dev-2'))
    assert.equal(other.returnCode, 0, 'others still served')
    other.c.destroy()
  })
})
