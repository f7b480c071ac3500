import assert from 'node:assert/strict'
import { test } from 'node:test'
import { assertEveryAckedInKafka, assertEveryAckedStoredOnce, assertEveryStoredCountedInOneWindow, type StoredRaw } from './invariants.ts'

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

test('assertEveryAckedStoredOnce with published: unacked-but-published may be stored once, phantoms fail', () => {
  const published = new Set(['a', 'b', 'c'])
  assertEveryAckedStoredOnce(['a'], ['a', 'c'], published)
  assert.throws(() => assertEveryAckedStoredOnce(['a'], ['a', 'c', 'c'], published), /stored twice 1 \(c ×2\)/)
  assert.throws(() => assertEveryAckedStoredOnce(['a'], ['a', 'z'], published), /never published but stored 1 \(z\)/)
})

test('assertEveryStoredCountedInOneWindow: miscounted windows and uncovered readings fail, naming them', () => {
  const r = (key: string, eventTime: number): StoredRaw => ({ device: 'd', key, eventTime, metrics: ['t'] })
  const raw = [r('d/0/1', 1_000), r('d/0/2', 1_999), r('d/0/3', 2_000)]
  const w = (start: number, count: number, sizeMs = 2_000) => ({ device: 'd', metric: 't', sizeMs, start, count })
  assertEveryStoredCountedInOneWindow(raw, [w(0, 2), w(2_000, 1), w(0, 99, 60_000)], [2_000])
  assert.throws(() => assertEveryStoredCountedInOneWindow(raw, [w(0, 3), w(2_000, 1)], [2_000]), /d\|t\|2000\|1970-01-01T00:00:00.000Z: count 3, raw readings 2 \(1 counted twice/)
  assert.throws(() => assertEveryStoredCountedInOneWindow(raw, [w(0, 1), w(2_000, 1)], [2_000]), /1 not counted/)
  assert.throws(() => assertEveryStoredCountedInOneWindow(raw, [w(0, 2)], [2_000]), /raw readings in no stored window: 1 in 1 windows \(d\|t\|2000\|1970-01-01T00:00:02.000Z: d\/0\/3\)/)
  assert.throws(() => assertEveryStoredCountedInOneWindow(raw, [w(0, 2), w(2_000, 1)], [2_000, 4_000]), /raw readings in no stored window: 3/)
})
