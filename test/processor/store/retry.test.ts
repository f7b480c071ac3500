import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Limiter } from '../../../processor/store/limiter.ts'
import { withRetry } from '../../../processor/store/retry.ts'

const timeout = (): Error => Object.assign(new Error('write timeout'), { name: 'ResponseError', code: 0x1100 })

test('a retriable failure is retried with growing, capped backoff, then succeeds', async () => {
  const waits: number[] = []
  let calls = 0
  const v = await withRetry(
    async () => {
      if (++calls < 4) throw timeout()
      return 'ok'
    },
    { retries: 5, baseMs: 100, maxMs: 300, sleep: async (ms) => void waits.push(ms), random: () => 1 },
  )
  assert.equal(v, 'ok')
  assert.equal(calls, 4)
  assert.deepEqual(waits, [100, 200, 300])
})

test('retries are bounded; non-retriable errors are thrown at once', async () => {
  let calls = 0
  await assert.rejects(withRetry(async () => void (calls++, (() => { throw timeout() })()), { retries: 2, baseMs: 1, maxMs: 1, sleep: async () => {} }), /write timeout/)
  assert.equal(calls, 3)
  calls = 0
  await assert.rejects(withRetry(async () => void (calls++, (() => { throw new TypeError('bug') })()), { retries: 5, baseMs: 1, maxMs: 1, sleep: async () => {} }), TypeError)
  assert.equal(calls, 1)
})

test('the limiter never runs more than its limit at once', async () => {
  const l = new Limiter(3)
  let active = 0
  let peak = 0
  await Promise.all(
    Array.from({ length: 20 }, () =>
      l.run(async () => {
        peak = Math.max(peak, ++active)
        await new Promise((r) => setTimeout(r, 2))
        active--
      }),
    ),
  )
  assert.equal(peak, 3)
})
