import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import fc from 'fast-check'
import { crc32c } from '../../kafka-client/crc32c.ts'

const require = createRequire(import.meta.url)
const kafkajsCrc32C = require('kafkajs/src/protocol/recordBatch/crc32C/index.js') as (b: Buffer) => number

test('CRC-32C check values (RFC 3720 B.4, and the "123456789" check of the CRC catalogue)', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283)
  assert.equal(crc32c(Buffer.alloc(32, 0)), 0x8a9136aa)
  assert.equal(crc32c(Buffer.alloc(32, 0xff)), 0x62a8ab43)
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => i))), 0x46dd794e)
  assert.equal(crc32c(Buffer.from(Array.from({ length: 32 }, (_, i) => 31 - i))), 0x113fdb5c)
  assert.equal(crc32c(Buffer.alloc(0)), 0)
})

test('equals KafkaJS\'s CRC-32C on any bytes and any sub-range (lengths across the 8-byte steps)', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 600 }), fc.nat(), fc.nat(), (bytes, a, b) => {
      const buf = Buffer.from(bytes)
      const start = bytes.length === 0 ? 0 : a % (bytes.length + 1)
      const end = start + (bytes.length - start === 0 ? 0 : b % (bytes.length - start + 1))
      assert.equal(crc32c(buf, start, end), kafkajsCrc32C(buf.subarray(start, end)))
    }),
    { seed: 20261206, numRuns: 2_000 },
  )
})
