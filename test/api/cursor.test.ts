import assert from 'node:assert/strict'
import { test } from 'node:test'
import { decodeCursor, encodeCursor, pagedRange } from '../../api/http/cursor.ts'
import type { AppError } from '../../api/errors.ts'

const rule = { maxMs: 86_400_000 * 7, defaultMs: 86_400_000 }
const codeOf = (fn: () => unknown): string => {
  try {
    fn()
  } catch (e) {
    return (e as AppError).code
  }
  return 'none'
}

test('a cursor round-trips and carries the first page range', () => {
  const c = encodeCursor({ key: 'readings/d1', from: 1000, to: 5000, day: 2, page: 'ab01' })
  assert.match(c, /^[A-Za-z0-9_-]+$/)
  assert.deepEqual(decodeCursor(c, 'readings/d1'), { key: 'readings/d1', from: 1000, to: 5000, day: 2, page: 'ab01' })
  assert.deepEqual(pagedRange({ cursor: c }, rule, 999_999, 'readings/d1').range, { from: 1000, to: 5000 })
  assert.deepEqual(pagedRange({ cursor: c, from: '1000', to: '5000' }, rule, 999_999, 'readings/d1').range, { from: 1000, to: 5000 })
})

test('foreign, damaged or misused cursors are API_ERR_BAD_CURSOR', () => {
  const c = encodeCursor({ key: 'readings/d1', from: 1000, to: 5000, day: 0 })
  assert.equal(codeOf(() => decodeCursor(c, 'readings/d2')), 'API_ERR_BAD_CURSOR')
  assert.equal(codeOf(() => decodeCursor('not-a-cursor', 'readings/d1')), 'API_ERR_BAD_CURSOR')
  assert.equal(codeOf(() => decodeCursor(Buffer.from('{"v":1}').toString('base64url'), 'x')), 'API_ERR_BAD_CURSOR')
  const badPage = Buffer.from(JSON.stringify({ v: 1, key: 'k', from: 1, to: 2, page: 'zz' })).toString('base64url')
  assert.equal(codeOf(() => decodeCursor(badPage, 'k')), 'API_ERR_BAD_CURSOR')
  assert.equal(codeOf(() => pagedRange({ cursor: c, from: '2000' }, rule, 9_999, 'readings/d1')), 'API_ERR_BAD_CURSOR')
  const huge = encodeCursor({ key: 'k', from: 0, to: 86_400_000 * 30 })
  assert.equal(codeOf(() => pagedRange({ cursor: huge }, rule, 9_999, 'k')), 'API_ERR_BAD_CURSOR')
})
