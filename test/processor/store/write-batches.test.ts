import assert from 'node:assert/strict'
import { test } from 'node:test'
import { estimateBytes, packWrites, type Write } from '../../../processor/store/write-batches.ts'

const w = (partition: string, i: number, pad = 0): Write => ({ query: `Q${partition[0]}`, params: [partition, i, 'x'.repeat(pad)], partition })
const parts = (b: Write[]): Set<string> => new Set(b.map((x) => x.partition))
const all = (batches: Write[][]): Write[] => batches.flat()

test('rows of one partition stay together, in order, and nothing is lost or repeated', () => {
  const writes = [w('a', 1), w('b', 1), w('a', 2), w('c', 1), w('a', 3), w('b', 2)]
  const batches = packWrites(writes, { maxPartitions: 10, maxBytes: 5_000, maxRows: 100 })
  assert.equal(batches.length, 1)
  assert.deepEqual(all(batches).filter((x) => x.partition === 'a').map((x) => x.params[1]), [1, 2, 3])
  assert.equal(all(batches).length, writes.length)
  assert.deepEqual(new Set(all(batches)), new Set(writes))
})

test('maxPartitions 1: every batch is a single partition (a single mutation)', () => {
  const writes = Array.from({ length: 30 }, (_, i) => w(`p${i % 7}`, i))
  const batches = packWrites(writes, { maxPartitions: 1, maxBytes: 5_000, maxRows: 100 })
  assert.equal(batches.length, 7)
  for (const b of batches) assert.equal(parts(b).size, 1)
  assert.equal(all(batches).length, 30)
})

test("a multi-partition batch spans at most maxPartitions and stays under maxBytes (Cassandra's warning limits)", () => {
  const writes = Array.from({ length: 200 }, (_, i) => w(`p${i}`, i, 100))
  const limits = { maxPartitions: 10, maxBytes: 1_000, maxRows: 100 }
  const batches = packWrites(writes, limits)
  for (const b of batches) {
    assert.ok(parts(b).size <= limits.maxPartitions)
    if (parts(b).size > 1) assert.ok(b.reduce((n, x) => n + estimateBytes(x.params), 0) <= limits.maxBytes)
  }
  assert.ok(batches.length < writes.length / 2, `${batches.length} batches for ${writes.length} rows`)
  assert.equal(all(batches).length, 200)
})

test('a partition larger than maxRows is split at maxRows; a group over maxBytes goes alone', () => {
  const big = Array.from({ length: 250 }, (_, i) => w('big', i))
  const fat = [w('fat', 1, 6_000)]
  const small = [w('s1', 1), w('s2', 1)]
  const batches = packWrites([...big, ...fat, ...small], { maxPartitions: 10, maxBytes: 5_000, maxRows: 100 })
  const bigBatches = batches.filter((b) => b.some((x) => x.partition === 'big'))
  assert.deepEqual(bigBatches.map((b) => b.filter((x) => x.partition === 'big').length), [100, 100, 50])
  assert.deepEqual(batches.find((b) => b.some((x) => x.partition === 'fat'))?.map((x) => x.partition), ['fat'])
  assert.deepEqual(all(batches).filter((x) => x.partition === 'big').map((x) => x.params[1]), big.map((x) => x.params[1]))
})

test('the size estimate counts strings by bytes and a map per entry', () => {
  assert.equal(estimateBytes(['ab']), 20 + 2)
  assert.equal(estimateBytes([1.5, new Date(0)]), 2 * (20 + 8))
  assert.equal(estimateBytes([{ temperature: 21.5 }]), 20 + (20 + 11 + 8))
  assert.equal(estimateBytes(['é']), 20 + 2)
})
