// Delivery through the real broker with an in-memory sink: PUBACK only after the sink made the
// records durable; no PUBACK (and a closed connection) when it cannot; rejected input acked once
// its dead letter is durable; session events recorded.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { AppError } from '../../gateway/errors.ts'
import { connectRaw, publishPacket } from './helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from './helpers/test-gateway.ts'

const native = JSON.stringify({ seq: 7, ts: Date.now(), sensor: 'bme280', temperature: 21.5, humidity: 41.2, pressure: 1012.8, battery: 3.9, rssi: -61 })

describe('broker delivery (in-memory sink)', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  it('sends PUBACK only after the sink has made the reading durable', async () => {
    const { c, returnCode } = await connectRaw(gw.port, loginOf('dev-1'))
    assert.equal(returnCode, 0)
    gw.sink.hold()
    c.send(publishPacket('devices/dev-1/telemetry', native, 1, 11))
    assert.equal(await c.next('puback', 300), null, 'no PUBACK while the write is pending')
    assert.equal(gw.sink.of('readings').length, 0)
    gw.sink.release()
    const ack = await c.next('puback')
    assert.equal((ack as { messageId: number }).messageId, 11)
    const [r] = gw.sink.of('readings') as Array<Record<string, unknown>>
    assert.deepEqual(
      { deviceId: r?.deviceId, seq: r?.seq, seqSource: r?.seqSource, dialect: r?.dialect, timeSource: r?.timeSource, battery: r?.battery, rssi: r?.rssi },
      { deviceId: 'dev-1', seq: 7, seqSource: 'device', dialect: 'native', timeSource: 'device', battery: 3.9, rssi: -61 },
    )
    assert.deepEqual(r?.metrics, { temperature: 21.5, humidity: 41.2, pressure: 1012.8 })
    c.destroy()
  })

  it('leaves the publish unacknowledged and closes the connection when nothing is durable [MQTT-3.3.5-2]', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-2'))
    const before = gw.sink.records.length
    gw.sink.failWith = new AppError('GW_ERR_KAFKA_TIMEOUT', 'test: kafka down', { retriable: true })
    try {
      c.send(publishPacket('devices/dev-2/telemetry', native, 1, 12))
      assert.equal(await c.next('puback', 1_000), null)
      assert.ok(await c.closesWithin(1_000), 'connection closed so the device resends')
      assert.equal(gw.sink.records.length, before)
      assert.equal(gw.metrics.unacked.get({ code: 'GW_ERR_KAFKA_TIMEOUT' }), 1)
    } finally {
      gw.sink.failWith = null
    }
  })

  it('acks a rejected QoS 1 message once its dead letter is durable', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    c.send(publishPacket('devices/dev-1/telemetry', '{"temperature": "warm"', 1, 13))
    assert.ok(await c.next('puback'))
    const dl = gw.sink.of('dlq').at(-1) as Record<string, unknown>
    assert.equal(dl.reason, 'GW_REJECT_UNPARSEABLE')
    assert.equal(dl.clientId, 'dev-1')
    assert.equal(dl.topic, 'devices/dev-1/telemetry')
    assert.equal(Buffer.from(dl.payloadBase64 as string, 'base64').toString(), '{"temperature": "warm"')
    assert.equal(gw.metrics.rejected.get({ reason: 'GW_REJECT_UNPARSEABLE' }), 1)
    c.destroy()
  })

  it('records connect, status and disconnect device events', async () => {
    const { c } = await connectRaw(gw.port, loginOf('tas-1'))
    c.send(publishPacket('tele/tas-1/LWT', 'Online', 1, 1))
    assert.ok(await c.next('puback'))
    c.send({ cmd: 'disconnect' })
    await c.closed
    await new Promise((r) => setTimeout(r, 50))
    const kinds = (gw.sink.of('events') as Array<{ deviceId: string; kind: string; status?: string }>).filter((e) => e.deviceId === 'tas-1')
    assert.deepEqual(
      kinds.map((e) => `${e.kind}:${e.status}`),
      ['connect:online', 'status:online', 'disconnect:offline'],
    )
  })

  it('acks a message whose only values are sensor read failures without storing a reading', async () => {
    const { c } = await connectRaw(gw.port, loginOf('esp-1'))
    const n = gw.sink.of('readings').length
    c.send(publishPacket('esp-1/sensor/temperature/state', 'nan', 1, 3))
    assert.ok(await c.next('puback'))
    assert.equal(gw.sink.of('readings').length, n)
    assert.equal(gw.metrics.sensorReadFailures.get(), 1)
    c.destroy()
  })

  it('gateway-assigned seq keeps counting across reconnects (dedup keys never repeat)', async () => {
    const seqOf = async (): Promise<number> => {
      const { c } = await connectRaw(gw.port, loginOf('esp-1'))
      c.send(publishPacket('esp-1/sensor/temperature/state', '20.5', 1, 1))
      assert.ok(await c.next('puback'))
      c.destroy()
      await c.closed
      const r = gw.sink.of('readings').at(-1) as { seq: number; seqSource: string; boot: number }
      assert.equal(r.seqSource, 'gateway')
      return r.seq
    }
    const a = await seqOf()
    const b = await seqOf()
    assert.ok(b > a)
  })
})
