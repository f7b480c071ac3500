import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import fc from 'fast-check'
import { encodeProduceBody, leanProduceRequest, type ProduceMessage, type ProduceRequestArgs, type ProduceRequestFactory } from '../../kafka-client/lean-produce-request.ts'

// The contract is KafkaJS's own bytes: every request is encoded by both (KafkaJS 2.2.4's Produce
// v3, which its v4–v7 wrap) with the clock fixed, and must match byte for byte. Kafka itself checks
// the result in every gateway integration test (records read back by key, value and partition).
const require = createRequire(import.meta.url)
const kafkajsV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as ProduceRequestFactory
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): unknown }
const lean = leanProduceRequest(kafkajsV3)
const NOW = 1_765_000_000_123

async function bytes(factory: ProduceRequestFactory, args: ProduceRequestArgs): Promise<Buffer> {
  const realNow = Date.now
  Date.now = () => NOW // KafkaJS reads the clock per partition; ours once per request
  try {
    const e = (await factory(args).encode()) as unknown as { buffer: Buffer }
    return Buffer.from(e.buffer)
  } finally {
    Date.now = realNow
  }
}

// Lengths straddle the varint steps (1 byte < 64 zigzagged, 2 bytes < 8192, 3 above), text is full
// Unicode (byte length ≠ string length), and partitions run past 64 records (offsetDelta's 2nd byte).
const text = fc.string({ unit: 'grapheme', maxLength: 40 })
const long = fc.nat({ max: 9_000 }).map((n) => 'é'.repeat(n))
const bytesOrText = fc.oneof(text, long, fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.constant(null))
const message = fc.record({ key: fc.oneof(bytesOrText, fc.constant(undefined)), value: bytesOrText }) as fc.Arbitrary<ProduceMessage>
const partition = fc.record({
  partition: fc.nat({ max: 50 }),
  firstSequence: fc.oneof(fc.constant(undefined), fc.nat({ max: 2 ** 31 - 1 })),
  messages: fc.oneof(fc.array(message, { minLength: 1, maxLength: 8 }), fc.array(message, { minLength: 60, maxLength: 200 })),
})
const request = fc.record({
  acks: fc.constantFrom(-1, 0, 1),
  timeout: fc.nat({ max: 120_000 }),
  transactionalId: fc.oneof(fc.constant(undefined), fc.constant(null), text),
  producerId: fc.oneof(fc.constant(undefined), fc.integer({ min: -1, max: 2 ** 40 }).map((n) => Long.fromValue(n))),
  producerEpoch: fc.oneof(fc.constant(undefined), fc.nat({ max: 32_767 })),
  topicData: fc.array(fc.record({ topic: text, partitions: fc.array(partition, { minLength: 1, maxLength: 3 }) }), { minLength: 1, maxLength: 3 }),
}) as fc.Arbitrary<ProduceRequestArgs>

test('the one-pass encoder writes the bytes KafkaJS writes, for every shape it takes', async () => {
  await fc.assert(
    fc.asyncProperty(request, async (args) => {
      assert.notEqual(encodeProduceBody(args, NOW), null, 'takes the one-pass path')
      assert.deepEqual(await bytes(lean, args), await bytes(kafkajsV3, args))
    }),
    { seed: 20261206, numRuns: 300 },
  )
})

test('a gateway-shaped batch (device-id keys, JSON values, six partitions) encodes identically', async () => {
  const value = JSON.stringify({ deviceId: 'sim-0001', seq: 1, metrics: { temperature: 21.5 } })
  const partitions = Array.from({ length: 6 }, (_, p) => ({
    partition: p,
    firstSequence: 0,
    messages: Array.from({ length: 400 }, (_, i) => ({ key: `sim-${String(i).padStart(4, '0')}`, value, partition: p })),
  }))
  const args = { acks: -1, timeout: 30_000, topicData: [{ topic: 'iot.readings', partitions }] }
  const ours = await bytes(lean, args)
  assert.deepEqual(ours, await bytes(kafkajsV3, args))
  assert.equal(ours.length, encodeProduceBody(args, NOW)?.length)
})

test('shapes it does not write (timestamps, headers, compression, other key types) are left to KafkaJS', async () => {
  const base = { key: 'dev-1', value: 'v' }
  const cases: Array<[string, ProduceRequestArgs]> = [
    ['timestamp', { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ ...base, timestamp: '1700000000000' }] }] }] }],
    ['headers', { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ ...base, headers: { trace: 'x' } }] }] }] }],
    ['gzip', { acks: -1, timeout: 1000, compression: 1, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [base] }] }] }],
    ['number key', { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ ...base, key: 7 }] }] }] }],
  ]
  for (const [name, args] of cases) {
    assert.equal(encodeProduceBody(args), null, name)
    if (name === 'number key') continue // KafkaJS itself cannot size a number key; the point is only that we do not try
    assert.deepEqual(await bytes(lean, args), await bytes(kafkajsV3, args), name)
  }
  // Empty headers are no headers: KafkaJS writes the same bytes, so the fast path takes them.
  const empty = { acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ ...base, headers: {} }] }] }] }
  assert.notEqual(encodeProduceBody(empty), null)
  assert.deepEqual(await bytes(lean, empty), await bytes(kafkajsV3, empty))
})

test('the request it builds is KafkaJS Produce v3 apart from encode', () => {
  const args = { acks: 0, timeout: 1000, topicData: [] }
  const ours = lean(args)
  const theirs = kafkajsV3(args)
  assert.deepEqual([ours.apiKey, ours.apiVersion, ours.apiName, ours.expectResponse()], [theirs.apiKey, theirs.apiVersion, theirs.apiName, theirs.expectResponse()])
})
