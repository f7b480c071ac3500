import assert from 'node:assert/strict'
import { test } from 'node:test'
import { logThrottle } from '../../../gateway/health/log-throttle.ts'

test('one line per key and period; the next line says how many were suppressed', () => {
  let t = 0
  const lines: Array<[string, number]> = []
  const log = logThrottle(10_000, () => t)
  const fail = (key: string): void => log(key, (suppressed) => lines.push([key, suppressed]))
  for (let i = 0; i < 1_000; i++) fail('GW_ERR_KAFKA_TIMEOUT') // an overload: 1,000 failures at once
  fail('GW_ERR_SPOOL_FULL') // another code is not hidden behind the first
  t = 9_999
  fail('GW_ERR_KAFKA_TIMEOUT')
  t = 10_000
  fail('GW_ERR_KAFKA_TIMEOUT')
  fail('GW_ERR_KAFKA_TIMEOUT')
  assert.deepEqual(lines, [
    ['GW_ERR_KAFKA_TIMEOUT', 0],
    ['GW_ERR_SPOOL_FULL', 0],
    ['GW_ERR_KAFKA_TIMEOUT', 1_000],
  ])
})
