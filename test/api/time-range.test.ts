import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseTime, resolveRange } from '../../api/http/time-range.ts'
import { AppError } from '../../api/errors.ts'

const code = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return (e as AppError).code
  }
  return 'none'
}

test('times: epoch ms and ISO-8601 (no offset = UTC)', () => {
  assert.equal(parseTime('from', '1763780400000'), 1763780400000)
  assert.equal(parseTime('from', '2025-11-22T03:00:00Z'), 1763780400000)
  assert.equal(parseTime('from', '2025-11-22T03:00:00'), 1763780400000)
  assert.equal(parseTime('from', '2025-11-22T04:00:00+01:00'), 1763780400000)
  assert.equal(parseTime('from', '2025-11-22T03:00:00.000Z'), 1763780400000)
  assert.equal(parseTime('from', '2025-11-22'), Date.UTC(2025, 10, 22))
  for (const bad of ['', 'yesterday', '2025-13-45T00:00:00Z', '1e12', '-5', '99999999999999999', '2025-11-22 03:00']) {
    assert.equal(code(() => parseTime('from', bad)), 'API_ERR_BAD_TIME', bad)
  }
})

test('ranges: defaults, inverted, capped', () => {
  const rule = { maxMs: 7 * 86_400_000, defaultMs: 86_400_000 }
  const now = 1763780400000
  assert.deepEqual(resolveRange({}, rule, now), { from: now - 86_400_000, to: now })
  assert.deepEqual(resolveRange({ to: String(now - 1000) }, rule, now), { from: now - 1000 - 86_400_000, to: now - 1000 })
  assert.equal(code(() => resolveRange({ from: String(now), to: String(now) }, rule, now)), 'API_ERR_BAD_RANGE')
  assert.equal(code(() => resolveRange({ from: String(now + 1) }, rule, now)), 'API_ERR_BAD_RANGE')
  assert.equal(code(() => resolveRange({ from: String(now - rule.maxMs - 1) }, rule, now)), 'API_ERR_RANGE_TOO_LARGE')
  assert.deepEqual(resolveRange({ from: String(now - rule.maxMs) }, rule, now), { from: now - rule.maxMs, to: now })
})
