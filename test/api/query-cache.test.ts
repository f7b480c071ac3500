import assert from 'node:assert/strict'
import { test } from 'node:test'
import { QueryCache } from '../../api/store/query-cache.ts'

const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

test('identical reads within the TTL share one load; expiry, failures and ttl=0 reload', async () => {
  let t = 0
  let loads = 0
  const cache = new QueryCache(1_000, 2, () => t)
  const load = async () => ++loads
  const [a, b] = await Promise.all([cache.get('k', load), cache.get('k', load)])
  assert.deepEqual([a, b, loads], [1, 1, 1], 'single flight')
  t = 499
  assert.equal(await cache.get('k', load), 1)
  t = 1_000
  assert.equal(await cache.get('k', load), 2, 'expired')
  await assert.rejects(cache.get('bad', async () => Promise.reject(new Error('down'))))
  assert.equal(await cache.get('bad', load), 3, 'a failure is not cached')
  await cache.get('x', load)
  assert.equal(await cache.get('k', load), 5, 'bounded: the oldest entry was evicted')
  t = 5_000
  await cache.get('y', load)
  assert.equal(cache.size, 1, 'a load drops every expired entry, not only by count')
  const off = new QueryCache(0)
  await off.get('k', load)
  await off.get('k', load)
  assert.equal(loads, 8)
})

test('refresh-ahead: a hit past half the TTL reloads in the background, never serving data older than the TTL', async () => {
  let t = 0
  let loads = 0
  let release: (() => void) | undefined
  const cache = new QueryCache(1_000, 10, () => t)
  const load = async () => ++loads
  assert.equal(await cache.get('k', load), 1)
  t = 600
  assert.equal(await cache.get('k', load), 1, 'answered from the entry at once')
  assert.equal(loads, 2, 'while the reload runs')
  await tick()
  t = 1_050
  assert.equal(await cache.get('k', load), 2, 'the reloaded value (started at 600) replaced the entry')
  assert.equal(loads, 2)

  // A reload still running when the entry expires is shared, not duplicated.
  const slow = () => new Promise<number>((r) => (release = () => r(++loads)))
  t = 1_200
  assert.equal(await cache.get('k', slow), 2)
  assert.equal(loads, 2, 'the slow reload has not finished')
  t = 1_650
  const waiting = cache.get('k', slow)
  release?.()
  assert.equal(await waiting, 3)
  assert.equal(loads, 3)

  // A failed reload keeps the entry until its TTL (it started at 1,200), then the next request loads.
  t = 2_000
  const fail = async (): Promise<number> => Promise.reject(new Error('down'))
  assert.equal(await cache.get('k', fail), 3)
  await tick()
  assert.equal(await cache.get('k', fail), 3, 'still served within its TTL')
  await tick()
  t = 2_250
  assert.equal(await cache.get('k', load), 4, 'expired: loaded again')
  assert.equal(loads, 4)
})
