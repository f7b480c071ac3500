import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QueryCache } from '../../api/store/query-cache.ts'

test('identical reads within the TTL share one load; expiry, failures and ttl=0 reload', async () => {
  let t = 0
  let loads = 0
  const cache = new QueryCache(1_000, 2, () => t)
  const load = async () => ++loads
  const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)])
  assert.deepEqual([a, b, loads], [1, 1, 1], 'single flight')
  t = 999
  assert.equal(await cache.get('k', load), 1)
  t = 1_000
  assert.equal(await cache.get('k', load), 2, 'expired')
  await assert.rejects(cache.get('bad', async () => Promise.reject(new Error('down'))))
  assert.equal(await cache.get('bad', load), 3, 'a failure is not cached')
  await cache.get('x', load)
  assert.equal(await cache.get('k', load), 5, 'bounded: the oldest entry was evicted')
  const off = new QueryCache(0)
  await off.get('k', load)
  await off.get('k', load)
  assert.equal(loads, 7)
})
