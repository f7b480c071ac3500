// The guarded stream is what aedes reads. aedes reads once per 'readable' with read(null) and
// expects the whole buffer; on Node 26 read() returns only the first chunk, which hung the
// WebSocket listener (MQTT.js sends each packet field as its own frame). These tests read the way
// aedes does, so they fail on Node 26 if the guard stops keeping that contract.
import { strict as assert } from 'node:assert'
import { once } from 'node:events'
import { PassThrough, type Duplex } from 'node:stream'
import { describe, it } from 'node:test'
import mqtt from 'mqtt-packet'
import { guardStream } from '../../../gateway/limits/guarded-stream.ts'

const connect = mqtt.generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clientId: 'dev-1', clean: true, keepalive: 30 } as mqtt.IConnectPacket)

/** aedes passes null, which @types/node does not declare */
const readNull = (stream: Duplex): Buffer | null => (stream as unknown as { read(size: null): Buffer | null }).read(null)

/** Reads like aedes' client.js nextBatch: exactly one read(null) per 'readable' event. */
function readLikeAedes(stream: Duplex): Buffer[] {
  const got: Buffer[] = []
  stream.on('readable', () => {
    const buf = readNull(stream)
    if (buf) got.push(buf)
  })
  return got
}

describe('guardStream', () => {
  it('one read(null) returns every chunk pushed before it, not only the first', async () => {
    const socket = new PassThrough()
    const guarded = guardStream(socket, { maxPacketBytes: 1024, readBatchBytes: 16_384, onReject: () => assert.fail('nothing is over the limit') })
    const got = readLikeAedes(guarded)
    // one frame per field, written in one tick, as MQTT.js over WebSocket does
    const cuts = [1, 2, 4, 8, 9, 10, 12, 14, connect.length]
    for (let i = 0, from = 0; i < cuts.length; from = cuts[i++] as number) socket.write(connect.subarray(from, cuts[i]))
    await new Promise((r) => setTimeout(r, 50))
    assert.deepEqual(Buffer.concat(got), connect)
    assert.equal(got.length, 1, 'the whole CONNECT arrives in the first read')
  })

  it('a read with an explicit size still returns exactly that many bytes', async () => {
    const socket = new PassThrough()
    const guarded = guardStream(socket, { maxPacketBytes: 1024, readBatchBytes: 16_384, onReject: () => {} })
    socket.write(connect.subarray(0, 3))
    socket.write(connect.subarray(3))
    await once(guarded, 'readable')
    assert.deepEqual(guarded.read(5), connect.subarray(0, 5))
    assert.deepEqual(readNull(guarded), connect.subarray(5))
    assert.equal(readNull(guarded), null)
  })

  it('a corked packet (mqtt-packet writes a PUBACK as 3 buffers) reaches the socket as one write', async () => {
    const socket = new PassThrough()
    const writes: Buffer[] = []
    const write = socket.write.bind(socket) as (c: Buffer, cb?: (e?: Error | null) => void) => boolean
    ;(socket as unknown as { write: typeof write }).write = (c, cb) => (writes.push(Buffer.from(c)), write(c, cb))
    const guarded = guardStream(socket, { maxPacketBytes: 1024, readBatchBytes: 16_384, onReject: () => {} })
    const puback = mqtt.generate({ cmd: 'puback', messageId: 42 } as mqtt.IPubackPacket)
    await new Promise<void>((resolve, reject) => mqtt.writeToStream({ cmd: 'puback', messageId: 42 } as mqtt.IPubackPacket, guarded) ? resolve() : reject(new Error('no room')))
    await new Promise((r) => setImmediate(r))
    assert.deepEqual(writes, [puback])
  })

  it('an oversize declaration is refused and nothing reaches the reader', async () => {
    const socket = new PassThrough()
    const verdicts: string[] = []
    const guarded = guardStream(socket, { maxPacketBytes: 16, readBatchBytes: 16_384, onReject: (v) => verdicts.push(v.reason) })
    const got = readLikeAedes(guarded)
    socket.write(mqtt.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(64), qos: 0, retain: false, dup: false } as mqtt.IPublishPacket))
    await once(guarded, 'close')
    assert.deepEqual(verdicts, ['too_large'])
    assert.deepEqual(got, [])
  })
})

describe('guardStream read batches', () => {
  const publish = (bytes: number): Buffer =>
    mqtt.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes, 7), qos: 0, retain: false, dup: false } as mqtt.IPublishPacket)

  it('hands the reader at most about two batches per read, and every byte in order', async () => {
    const socket = new PassThrough()
    const guarded = guardStream(socket, { maxPacketBytes: 1024, readBatchBytes: 1024, onReject: () => {} })
    const got = readLikeAedes(guarded)
    const input = Buffer.concat(Array.from({ length: 200 }, () => publish(100))) // ~21 KB in one write
    socket.write(input)
    await new Promise((r) => setTimeout(r, 50))
    assert.deepEqual(Buffer.concat(got), input)
    assert.ok(got.length >= 10, `read in pieces, not all at once (${got.length} reads)`)
    assert.ok(Math.max(...got.map((b) => b.length)) <= 2 * 1024, `largest read ${Math.max(...got.map((b) => b.length))} B`)
  })

  it('a packet larger than the batch still arrives whole, and the end of the stream after it', async () => {
    const socket = new PassThrough()
    const guarded = guardStream(socket, { maxPacketBytes: 8192, readBatchBytes: 1024, onReject: () => assert.fail('within the packet limit') })
    const got = readLikeAedes(guarded)
    const big = publish(5000)
    socket.end(big)
    await once(guarded, 'end')
    assert.deepEqual(Buffer.concat(got), big)
  })
})
