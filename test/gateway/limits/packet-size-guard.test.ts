// The guard walks packet boundaries from fixed headers; a declared size over the limit is refused
// from the header alone, before any body byte is buffered (aedes #831).
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import mqtt from 'mqtt-packet'
import { PacketSizeTracker } from '../../../gateway/limits/packet-size-guard.ts'

const publish = (bytes: number): Buffer =>
  mqtt.generate({ cmd: 'publish', topic: 't', payload: Buffer.alloc(bytes), qos: 0, retain: false, dup: false } as mqtt.IPublishPacket)

describe('PacketSizeTracker', () => {
  it('accepts packets up to the limit, split at every byte boundary', () => {
    const stream = Buffer.concat([publish(10), publish(200), mqtt.generate({ cmd: 'pingreq' }), publish(1000 - 6)])
    assert.equal(publish(1000 - 6).length, 1000)
    for (const step of [1, 2, 3, 7, 64, stream.length]) {
      const t = new PacketSizeTracker(1000)
      for (let i = 0; i < stream.length; i += step) assert.deepEqual(t.feed(stream.subarray(i, i + step)), { ok: true })
    }
  })

  it('refuses a packet one byte over the limit', () => {
    const t = new PacketSizeTracker(1000)
    assert.equal(t.feed(publish(1000 - 5)).ok, false)
  })

  it('refuses a 256 MB declaration from the length bytes alone, before the last one', () => {
    const t = new PacketSizeTracker(16_384)
    assert.deepEqual(t.feed(Buffer.from([0x30])), { ok: true })
    assert.deepEqual(t.feed(Buffer.from([0xff])), { ok: true })
    assert.deepEqual(t.feed(Buffer.from([0xff])), { ok: true }, 'two length bytes cannot exceed 16,383')
    const v = t.feed(Buffer.from([0xff]))
    assert.equal(v.ok, false)
  })

  it('refuses a fifth remaining-length byte as malformed [MQTT-2.2.3]', () => {
    const t = new PacketSizeTracker(268_435_455)
    assert.deepEqual(t.feed(Buffer.from([0x30, 0x80, 0x80, 0x80, 0x80])), { ok: false, reason: 'malformed_length' })
  })
})
