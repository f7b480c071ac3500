import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertEveryAckedInKafka, assertEveryAckedStoredOnce } from './invariants.ts'

test('assertEveryAckedInKafka: loss and phantoms fail, duplicates and unacked extras pass', () => {
  const published = new Set(['d/0/1', 'd/0/2', 'd/0/3'])
  assertEveryAckedInKafka(['d/0/1', 'd/0/2'], ['d/0/1', 'd/0/1', 'd/0/2', 'd/0/3'], published)
  assert.throws(() => assertEveryAckedInKafka(['d/0/1', 'd/0/2'], ['d/0/1'], published), /missing from Kafka: 1 \(d\/0\/2\)/)
  assert.throws(() => assertEveryAckedInKafka(['d/0/1'], ['d/0/1', 'x/0/9'], published), /never published: 1/)
})

test('assertEveryAckedStoredOnce: loss, doubles and extras all fail', () => {
  assertEveryAckedStoredOnce(['a', 'b'], ['b', 'a'])
  assert.throws(() => assertEveryAckedStoredOnce(['a', 'b'], ['a']), /lost 1/)
  assert.throws(() => assertEveryAckedStoredOnce(['a'], ['a', 'a']), /stored twice 1/)
  assert.throws(() => assertEveryAckedStoredOnce(['a'], ['a', 'c']), /unacknowledged but stored 1/)
})
