// CONNECT refusals over a real socket: wrong password, missing credentials, clientId ≠ username,
// bad client ids, keepalive bounds → CONNACK refused and nothing reaches the sink; a refused
// CONNECT never fires its Will (aedes #214).
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import { passwordOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

describe('authenticate', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway()
  })
  after(async () => gw.close())

  const cases: Array<[string, Parameters<typeof connectRaw>[1], number]> = [
    ['correct credentials', { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1') }, 0],
    ['wrong password', { clientId: 'dev-1', username: 'dev-1', password: 'guess' }, 5],
    ['another device’s password', { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-2') }, 5],
    ['missing credentials (anonymous not enabled)', { clientId: 'dev-1' }, 5],
    ['unknown device', { clientId: 'ghost', username: 'ghost', password: 'x' }, 5],
    ['clientId ≠ username', { clientId: 'dev-2', username: 'dev-1', password: passwordOf('dev-1') }, 5],
    ['client id with a slash', { clientId: 'dev/1', username: 'dev/1', password: 'x' }, 2],
    ['client id with a wildcard', { clientId: 'dev+', username: 'dev+', password: 'x' }, 2],
    ['client id over 64 chars', { clientId: 'd'.repeat(65), username: 'd'.repeat(65), password: 'x' }, 2],
    ['empty client id', { clientId: '', username: '', password: 'x' }, 2],
    ['client id naming a dialect namespace', { clientId: 'tele', username: 'tele', password: 'x' }, 2],
    ['keepalive 0', { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1'), keepalive: 0 }, 2],
    ['keepalive above the limit', { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1'), keepalive: 121 }, 2],
  ]
  for (const [name, fields, code] of cases) {
    it(`${name} → CONNACK ${code}`, async () => {
      const { c, returnCode } = await connectRaw(gw.port, fields)
      assert.equal(returnCode, code)
      if (code !== 0) assert.ok(await c.closesWithin(1_000), 'socket closed after a refusal [MQTT-3.2.2-5]')
      c.destroy()
    })
  }

  it('a refused CONNECT with a Will stores nothing and never publishes the Will', async () => {
    const before = gw.sink.records.length
    const will = { topic: 'devices/dev-1/status', payload: Buffer.from('offline'), qos: 1 as const, retain: true }
    const { c, returnCode } = await connectRaw(gw.port, { clientId: 'dev-1', username: 'dev-1', password: 'wrong', will })
    assert.equal(returnCode, 5)
    await c.closed
    await new Promise((r) => setTimeout(r, 100))
    assert.equal(gw.sink.records.length, before)
  })

  it('counts refusals by reason', () => {
    assert.ok(gw.metrics.connectRefused.get({ reason: 'bad_credentials' }) >= 4)
    assert.ok(gw.metrics.connectRefused.get({ reason: 'client_id' }) >= 5)
    assert.equal(gw.metrics.connectRefused.get({ reason: 'keepalive' }), 2)
  })
})

describe('anonymous access', () => {
  it('is accepted only when enabled, and the ACL still binds the client id', async () => {
    const gw = await startTestGateway({ allowAnonymous: true })
    try {
      const { c, returnCode } = await connectRaw(gw.port, { clientId: 'demo-7' })
      assert.equal(returnCode, 0)
      c.send(publishPacket('devices/demo-7/telemetry', '{"temperature":20}', 1, 1))
      assert.ok(await c.next('puback'))
      c.send(publishPacket('devices/dev-1/telemetry', '{"temperature":20}', 1, 2))
      assert.equal(await c.next('puback', 500), null)
      assert.ok(await c.closesWithin(1_000))
      assert.equal(gw.sink.of('readings').length, 1)
    } finally {
      await gw.close()
    }
  })

  it('accepts username = client id without a password for unregistered devices only', async () => {
    const gw = await startTestGateway({ allowAnonymous: true })
    try {
      const sim = await connectRaw(gw.port, { clientId: 'sim-bme280-00001', username: 'sim-bme280-00001' })
      assert.equal(sim.returnCode, 0)
      const registered = await connectRaw(gw.port, { clientId: 'dev-1', username: 'dev-1' })
      assert.equal(registered.returnCode, 5, 'a registered device must still give its password')
      const wrong = await connectRaw(gw.port, { clientId: 'dev-1', username: 'dev-1', password: 'nope' })
      assert.equal(wrong.returnCode, 5)
      const other = await connectRaw(gw.port, { clientId: 'sim-2', username: 'sim-3' })
      assert.equal(other.returnCode, 5, 'username must still equal client id')
    } finally {
      await gw.close()
    }
  })
})
