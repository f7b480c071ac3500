// Limits at the socket level, against the running broker: oversize declaration trickled slowly,
// connect timeout, connection cap, topic depth and length, publish rate (two clients).
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import { connectRaw, publishPacket, RawClient } from '../helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('limits', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({ limits: { connectTimeoutMs: 300, maxConnections: 20, maxTopicLevels: 4, publishRatePerSec: 5, publishBurst: 5, throttleMaxWaitMs: 0 } })
  })
  after(async () => gw.close())

  it('a 256 MB PUBLISH declared after CONNECT and trickled is cut at the header; memory stays flat', async () => {
    const { c, returnCode } = await connectRaw(gw.port, loginOf('dev-1'))
    assert.equal(returnCode, 0)
    global.gc?.()
    const heap0 = process.memoryUsage().heapUsed
    // fixed header 0x30 + remaining length 268,435,455 (0xff 0xff 0xff 0x7f), sent a byte at a time
    for (const b of [0x30, 0xff, 0xff, 0xff, 0x7f]) {
      if (c.isClosed) break
      c.sendRaw(Buffer.from([b]))
      await sleep(20)
    }
    assert.ok(await c.closesWithin(1_000), 'disconnected as soon as the length was read')
    assert.ok(process.memoryUsage().heapUsed - heap0 < 20 * 1024 * 1024, 'heap did not grow toward 256 MB')
    assert.equal(gw.metrics.limitHits.get({ limit: 'max_packet_size' }), 1)
  })

  it('an oversize CONNECT is refused the same way', async () => {
    const c = await RawClient.open(gw.port)
    c.sendRaw(Buffer.from([0x10, 0xff, 0xff, 0x7f]))
    assert.ok(await c.closesWithin(1_000))
  })

  it('a socket that never sends CONNECT is closed after connectTimeout', async () => {
    const c = await RawClient.open(gw.port)
    assert.equal(await c.closesWithin(100), false)
    assert.ok(await c.closesWithin(1_500))
  })

  it('refuses sockets beyond maxConnections at accept, and serves again once below', async () => {
    const held: RawClient[] = []
    for (let i = 0; i < 20; i++) held.push(await RawClient.open(gw.port))
    const extra = await RawClient.open(gw.port)
    assert.ok(await extra.closesWithin(1_000))
    assert.ok(gw.metrics.limitHits.get({ limit: 'max_connections' }) >= 1)
    for (const h of held) h.destroy()
    await sleep(100)
    const { c, returnCode } = await connectRaw(gw.port, loginOf('dev-2'))
    assert.equal(returnCode, 0)
    c.destroy()
  })

  it('topic deeper than the limit → closed without PUBACK, nothing stored', async () => {
    const before = gw.sink.records.filter((r) => r.stream !== 'events').length
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    c.send(publishPacket('dev-1/a/b/c/d', '1', 1, 1))
    assert.equal(await c.next('puback', 300), null)
    assert.ok(await c.closesWithin(1_000))
    const d = await connectRaw(gw.port, loginOf('dev-1'))
    d.c.send(publishPacket(`dev-1/${'x/'.repeat(150)}y`, '1', 1, 1))
    assert.ok(await d.c.closesWithin(1_000), '>100 levels: no crash (GHSA-xxqp-5qx8-gj5q)')
    assert.equal(gw.sink.records.filter((r) => r.stream !== 'events').length, before)
  })

  it('topic longer than maxTopicLength → closed without PUBACK', async () => {
    const { c } = await connectRaw(gw.port, loginOf('dev-1'))
    c.send(publishPacket(`dev-1/${'x'.repeat(200)}`, '1', 1, 1))
    assert.equal(await c.next('puback', 300), null)
    assert.ok(await c.closesWithin(1_000))
  })

  it('a device over its publish rate is disconnected; another device is unaffected', async () => {
    const noisy = await connectRaw(gw.port, loginOf('tas-1'))
    const quiet = await connectRaw(gw.port, loginOf('esp-1'))
    for (let i = 1; i <= 12; i++) noisy.c.send(publishPacket('tele/tas-1/SENSOR', '{"SHT3X":{"Temperature":20}}', 1, i))
    assert.ok(await noisy.c.closesWithin(2_000))
    assert.ok(gw.metrics.limitHits.get({ limit: 'publish_rate' }) >= 1)
    quiet.c.send(publishPacket('esp-1/sensor/temperature/state', '20.5', 1, 1))
    assert.ok(await quiet.c.next('puback'))
    quiet.c.destroy()
  })
})
