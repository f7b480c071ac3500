// The TLS and WebSocket listeners carry the same broker, auth and limits as TCP: a device connects
// over each, its QoS 1 reading is acknowledged after the sink has it, and the packet-size guard
// still applies behind the WebSocket framing.
import { strict as assert } from 'node:assert'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import mqtt from 'mqtt'
import { startTlsListener } from '../../../gateway/listeners/tls.ts'
import { startWsListener } from '../../../gateway/listeners/ws.ts'
import type { Listener } from '../../../gateway/listeners/tcp.ts'
import { passwordOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

const opts = (id: string) => ({ clientId: id, username: id, password: passwordOf(id), keepalive: 30, protocolVersion: 4 as const, reconnectPeriod: 0 })

describe('TLS and WebSocket listeners', () => {
  let gw: TestGateway
  let tls: Listener
  let ws: Listener
  const dir = mkdtempSync(join(tmpdir(), 'gw-tls-'))
  const cert = join(dir, 'cert.pem')
  const key = join(dir, 'key.pem')

  before(async () => {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-days', '1', '-keyout', key, '-out', cert], { stdio: 'ignore' })
    gw = await startTestGateway()
    tls = await startTlsListener(gw.broker, '127.0.0.1', 0, cert, key)
    ws = await startWsListener(gw.broker, '127.0.0.1', 0, gw.config.limits.maxPacketBytes)
  })
  after(async () => {
    await tls?.close()
    await ws?.close()
    await gw?.close()
    rmSync(dir, { recursive: true, force: true })
  })

  it('MQTT over TLS, verified against the server certificate', async () => {
    const c = await mqtt.connectAsync(`mqtts://127.0.0.1:${tls.port}`, { ...opts('dev-1'), ca: readFileSync(cert), rejectUnauthorized: true })
    await c.publishAsync('devices/dev-1/telemetry', '{"seq":1,"temperature":20}', { qos: 1 })
    await c.endAsync()
    assert.ok((gw.sink.of('readings') as Array<{ deviceId: string }>).some((r) => r.deviceId === 'dev-1'))
    assert.equal(gw.metrics.connectionsTotal.get({ listener: 'tls' }), 1)
  })

  it('MQTT over WebSocket', async () => {
    const c = await mqtt.connectAsync(`ws://127.0.0.1:${ws.port}`, opts('dev-2'))
    await c.publishAsync('devices/dev-2/telemetry', '{"seq":1,"temperature":20}', { qos: 1 })
    await c.endAsync()
    assert.ok((gw.sink.of('readings') as Array<{ deviceId: string }>).some((r) => r.deviceId === 'dev-2'))
  })

  it('an oversize publish over WebSocket disconnects the client', async () => {
    const c = await mqtt.connectAsync(`ws://127.0.0.1:${ws.port}`, opts('tas-1'))
    const closed = new Promise<void>((r) => c.once('close', () => r()))
    c.publish('tele/tas-1/SENSOR', Buffer.alloc(64 * 1024), { qos: 1 })
    await closed
    c.end(true)
    assert.equal((gw.sink.of('readings') as Array<{ deviceId: string }>).some((r) => r.deviceId === 'tas-1'), false)
  })

  it('wrong credentials are refused over TLS too', async () => {
    await assert.rejects(mqtt.connectAsync(`mqtts://127.0.0.1:${tls.port}`, { ...opts('dev-1'), password: 'nope', ca: readFileSync(cert) }))
  })
})
