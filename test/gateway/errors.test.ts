// The error registry, its documentation table and the dead-letter reasons stay in sync (fastify's
// errors.test.js): a new code without a row, or a row without a code, fails here.
import { strict as assert } from 'node:assert'
import { readFileSync } from 'node:fs'
import { describe, it } from 'node:test'
import { DeadLetter } from '../../contracts/dead-letter.ts'
import { AppError, GatewayErrorCodes } from '../../gateway/errors.ts'
import { RejectReasons } from '../../gateway/ingest/reject-reasons.ts'

const doc = readFileSync(new URL('../../gateway/ERRORS.md', import.meta.url), 'utf8')

describe('error registry', () => {
  it('codes are unique, prefixed, and each has exactly one documentation row', () => {
    assert.equal(new Set(GatewayErrorCodes).size, GatewayErrorCodes.length)
    const rows = [...doc.matchAll(/^\| (GW_ERR_[A-Z_]+) \|/gm)].map((m) => m[1])
    assert.deepEqual([...rows].sort(), [...GatewayErrorCodes].sort())
  })
  it('dead-letter reasons fit the contract pattern and are documented', () => {
    const pattern = new RegExp(DeadLetter.properties.reason.pattern as string)
    for (const r of RejectReasons) {
      assert.match(r, pattern)
      assert.ok(doc.includes(`\`${r}\``), r)
    }
  })
  it('AppError carries code, retriable and cause', () => {
    const cause = new Error('socket')
    const e = new AppError('GW_ERR_KAFKA_SEND', 'x', { cause, retriable: true })
    assert.deepEqual([e.code, e.retriable, e.cause], ['GW_ERR_KAFKA_SEND', true, cause])
    assert.equal(new AppError('GW_ERR_ACL_DENIED', 'y').retriable, false)
  })
})
