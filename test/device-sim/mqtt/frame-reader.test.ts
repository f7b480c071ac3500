import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import mqttPacket, { type Packet } from 'mqtt-packet'
import { FrameReader } from '../../../device-sim/mqtt/frame-reader.ts'

const packets: Packet[] = [
  { cmd: 'connack', returnCode: 0, sessionPresent: false },
  { cmd: 'puback', messageId: 513 },
  { cmd: 'pingresp' },
  { cmd: 'publish', topic: 't/x', payload: Buffer.alloc(300, 7), qos: 0, retain: false, dup: false },
]

test('frames split at any byte boundaries come out whole and in order', () => {
  const bytes = Buffer.concat(packets.map((p) => mqttPacket.generate(p)))
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 1, max: bytes.length - 1 }), { maxLength: 10 }), (cuts) => {
      const points = [...new Set(cuts)].sort((a, b) => a - b)
      const r = new FrameReader()
      const frames = []
      let from = 0
      for (const p of [...points, bytes.length]) {
        frames.push(...r.push(bytes.subarray(from, p)))
        from = p
      }
      assert.deepEqual(frames.map((f) => f.type), [2, 4, 13, 3])
      assert.equal(frames[1]?.body.readUInt16BE(0), 513)
      assert.equal(frames[3]?.body.length, 2 + 3 + 300)
    }),
  )
})

test('a remaining length longer than four bytes is rejected', () => {
  assert.throws(() => new FrameReader().push(Buffer.from([0x30, 0xff, 0xff, 0xff, 0xff, 0x01])), /malformed/)
})
