// The bad-input matrix (delivery-and-security.md B.8 rows 1–5, 17, 18) over real sockets: each
// malformed frame closes that connection (or is refused before PUBACK), the gateway stays up and
// serves the next device, and the error is counted. Then fast-check mutations with a fixed seed.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import fc from 'fast-check'
import mqtt from 'mqtt-packet'
import { connectPacket, connectRaw, publishPacket, RawClient } from './helpers/raw-client.ts'
import { passwordOf, startTestGateway, type TestGateway } from './helpers/test-gateway.ts'

const login = { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1') }
const gen = (p: Record<string, unknown>): Buffer => mqtt.generate(p as unknown as mqtt.Packet)
const connectBytes = gen(connectPacket(login))
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex')

/** PUBLISH QoS 1 with a raw topic byte string (to carry invalid UTF-8 / U+0000). */
function publishRawTopic(topic: Buffer, payload = Buffer.from('1')): Buffer {
  const body = Buffer.concat([Buffer.from([topic.length >> 8, topic.length & 0xff]), topic, Buffer.from([0, 1]), payload])
  return Buffer.concat([Buffer.from([0x32, body.length]), body])
}

async function stillServes(gw: TestGateway): Promise<void> {
  const { c, returnCode } = await connectRaw(gw.port, { clientId: 'dev-2', username: 'dev-2', password: passwordOf('dev-2') })
  assert.equal(returnCode, 0, 'gateway still accepts a good device')
  c.send(publishPacket('devices/dev-2/telemetry', '{"temperature":20}', 1, 77))
  assert.ok(await c.next('puback'), 'and acknowledges its reading')
  c.destroy()
}

describe('bad input', () => {
  let gw: TestGateway
  before(async () => {
    // one device reconnects ~100 times here on purpose: flap banning is tested in flap-detector.test.ts
    gw = await startTestGateway({ limits: { publishRatePerSec: 10_000, publishBurst: 10_000, flapBanMs: 0 } })
  })
  after(async () => gw.close())

  const afterConnect: Array<[string, Buffer]> = [
    ['second CONNECT on a live session [MQTT-3.1.0-2]', connectBytes],
    ['PUBLISH QoS 3 [MQTT-3.3.1-4]', hex('36 08 0001 74 0001 7b7d').subarray(0)],
    ['SUBSCRIBE with reserved flags 0000 [MQTT-3.8.1-1]', hex('80 06 0001 0001 74 00')],
    ['invalid UTF-8 in topic [MQTT-1.5.3-1]', publishRawTopic(Buffer.from([0x64, 0xc3, 0x28]))],
    ['U+0000 in topic [MQTT-1.5.3-2]', publishRawTopic(Buffer.from('dev-1/\u0000/x'))],
    ['empty topic', publishRawTopic(Buffer.alloc(0))],
    ['# in PUBLISH topic [MQTT-3.3.2-2]', publishRawTopic(Buffer.from('devices/dev-1/#'))],
    ['+ in PUBLISH topic [MQTT-3.3.2-2]', publishRawTopic(Buffer.from('devices/+/telemetry'))],
    ['unknown packet type 0', hex('00 00')],
    ['PUBLISH shorter than its topic length', hex('32 04 00ff 6162')],
  ]

  const beforeConnect: Array<[string, Buffer]> = [
    ['first packet is PINGREQ, not CONNECT [MQTT-3.1.0-1]', hex('c0 00')],
    ['first packet is PUBLISH [MQTT-3.1.0-1]', gen(publishPacket('devices/dev-1/telemetry', '{}', 0))],
    ['CONNECT with reserved flag bit set [MQTT-2.2.2-2]', Buffer.concat([Buffer.from([0x11]), connectBytes.subarray(1)])],
    ['CONNECT with protocol name MQTX [MQTT-3.1.2-1]', Buffer.from(connectBytes.toString('latin1').replace('MQTT', 'MQTX'), 'latin1')],
    ['CONNECT with protocol level 9 [MQTT-3.1.2-2]', (() => { const b = Buffer.from(connectBytes); b[8] = 9; return b })()],
    ['CONNECT with reserved connect-flag bit 0 [MQTT-3.1.2-3]', (() => { const b = Buffer.from(connectBytes); b[9] = (b[9] as number) | 1; return b })()],
    ['remaining length with a fifth byte [MQTT-2.2.3]', hex('10 80 80 80 80 01')],
  ]

  for (const [name, frame] of beforeConnect) {
    it(`before CONNECT: ${name} → closed, no CONNACK 0`, async () => {
      const c = await RawClient.open(gw.port)
      c.sendRaw(frame)
      const ack = await c.next('connack', 1_000)
      assert.ok(!ack || (ack as { returnCode: number }).returnCode !== 0)
      assert.ok(await c.closesWithin(1_000))
      await stillServes(gw)
    })
  }

  for (const [name, frame] of afterConnect) {
    it(`after CONNECT: ${name} → closed, no PUBACK, nothing stored`, async () => {
      const stored = gw.sink.records.filter((r) => r.stream !== 'events').length
      const { c, returnCode } = await connectRaw(gw.port, login)
      assert.equal(returnCode, 0)
      c.sendRaw(frame)
      assert.equal(await c.next('puback', 300), null)
      assert.ok(await c.closesWithin(1_000))
      assert.equal(gw.sink.records.filter((r) => r.stream !== 'events').length, stored)
      await stillServes(gw)
    })
  }

  it('pipelined frames in one chunk are all handled, in order', async () => {
    const { c } = await connectRaw(gw.port, login)
    const frames = [1, 2, 3, 4].map((i) => gen(publishPacket('devices/dev-1/telemetry', JSON.stringify({ seq: 500 + i, temperature: 20 }), 1, i)))
    c.sendRaw(Buffer.concat([...frames, hex('c0 00')]))
    const ids: number[] = []
    for (let i = 0; i < 4; i++) ids.push(((await c.next('puback')) as { messageId: number }).messageId)
    assert.deepEqual(ids, [1, 2, 3, 4])
    assert.ok(await c.next('pingresp'))
    const seqs = (gw.sink.of('readings') as Array<{ seq: number }>).map((r) => r.seq).filter((s) => s > 500)
    assert.deepEqual(seqs, [501, 502, 503, 504])
    c.destroy()
  })

  it('errors are counted', () => {
    assert.ok(gw.metrics.clientErrors.get({ phase: 'session' }) + gw.metrics.clientErrors.get({ phase: 'connect' }) >= afterConnect.length)
  })

  it('random mutations of valid frames never crash the gateway (fast-check, fixed seed)', async () => {
    const publish = gen(publishPacket('devices/dev-1/telemetry', '{"seq":1,"temperature":20.5}', 1, 9))
    const subscribe = gen({ cmd: 'subscribe', messageId: 3, subscriptions: [{ topic: 'cmnd/dev-1/#', qos: 1 }] })
    const mutation = fc.record({
      base: fc.constantFrom(publish, subscribe, hex('c0 00'), hex('40 02 0009'), hex('e0 00')),
      flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
      cut: fc.option(fc.nat()),
      junk: fc.uint8Array({ maxLength: 16 }),
    })
    await fc.assert(
      fc.asyncProperty(mutation, async ({ base, flips, cut, junk }) => {
        const b = Buffer.from(base)
        for (const [i, v] of flips) b[i % b.length] = v
        const frame = Buffer.concat([cut === null ? b : b.subarray(0, cut % (b.length + 1)), junk])
        const { c, returnCode } = await connectRaw(gw.port, login)
        assert.equal(returnCode, 0)
        c.sendRaw(frame)
        await c.closesWithin(30)
        c.destroy()
      }),
      { seed: 20261122, numRuns: 60 },
    )
    await stillServes(gw)
    assert.ok(process.memoryUsage().rss < 1024 * 1024 * 1024)
  })
})
