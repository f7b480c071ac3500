// The read batch bound against the running broker: a device that sends a burst of QoS 0 publishes
// in one socket write has only about two read batches of them parsed while its writes wait for
// the sink; the rest waits as bytes (then in TCP). Without the bound aedes parsed the whole socket
// chunk at once: hundreds of packets and records per connection held in memory (guarded-stream.ts).
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import mqtt from 'mqtt-packet'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const BATCH = 4096

describe('read batches', () => {
  let gw: TestGateway
  before(async () => {
    gw = await startTestGateway({ limits: { readBatchBytes: BATCH, publishRatePerSec: 1_000_000, publishBurst: 1_000_000 } })
  })
  after(async () => gw.close())

  it('a burst in one write is parsed a batch at a time while the sink holds; all of it lands in order once it frees up', async () => {
    const { c, returnCode } = await connectRaw(gw.port, loginOf('dev-1'))
    assert.equal(returnCode, 0)
    const n = 800
    const frames = Array.from({ length: n }, (_, seq) => mqtt.generate(publishPacket('devices/dev-1/telemetry', JSON.stringify({ seq, temperature: 20 }), 0) as unknown as mqtt.Packet))
    const frameBytes = Math.max(...frames.map((f) => f.length))
    gw.sink.hold()
    c.sendRaw(Buffer.concat(frames)) // ~50 KB: one or two socket reads on loopback
    await sleep(300)
    const parsed = gw.metrics.received.get({ dialect: 'native' })
    const bound = 2 * Math.ceil(BATCH / frameBytes) + 2
    assert.ok(parsed > 0 && parsed <= bound, `${parsed} publishes parsed while the sink held (bound ${bound} of ${n})`)
    gw.sink.release()
    for (let i = 0; i < 100 && gw.sink.records.filter((r) => r.stream === 'readings').length < n; i++) await sleep(50)
    const seqs = gw.sink.of('readings').map((r) => (r as { seq: number }).seq)
    assert.deepEqual(seqs, Array.from({ length: n }, (_, i) => i))
    c.destroy()
  })
})
