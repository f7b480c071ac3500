import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ProcError, ProcessorErrorCodes, ProcessorRejectReasons, isRetriable } from '../../processor/errors.ts'
import { DeadLetter } from '../../contracts/dead-letter.ts'
import { Value } from '@sinclair/typebox/value'

test('codes are unique and prefixed; reject reasons are valid DeadLetter reasons', () => {
  assert.equal(new Set(ProcessorErrorCodes).size, ProcessorErrorCodes.length)
  for (const c of ProcessorErrorCodes) assert.match(c, /^PROC_ERR_[A-Z_]+$/)
  for (const reason of ProcessorRejectReasons) {
    assert.match(reason, /^PROC_REJECT_[A-Z_]+$/)
    assert.ok(Value.Check(DeadLetter, { reason, message: '', source: 'processor', topic: 't/0/1', payloadBase64: '', at: 0 }))
  }
})

test('retriable: unreachable or timing-out stores yes; programmer and data errors no', () => {
  assert.equal(isRetriable(new ProcError('PROC_ERR_STORE_UNAVAILABLE', 'x', { retriable: true })), true)
  assert.equal(isRetriable(new ProcError('PROC_ERR_RULES_FILE', 'x')), false)
  assert.equal(isRetriable(new TypeError('x')), false)
  assert.equal(isRetriable(Object.assign(new Error('x'), { name: 'NoHostAvailableError' })), true)
  assert.equal(isRetriable(Object.assign(new Error('x'), { name: 'OperationTimedOutError' })), true)
  assert.equal(isRetriable(Object.assign(new Error('write timeout'), { name: 'ResponseError', code: 0x1100 })), true)
  assert.equal(isRetriable(Object.assign(new Error('syntax'), { name: 'ResponseError', code: 0x2000 })), false)
  assert.equal(isRetriable(Object.assign(new Error('kafka'), { retriable: true })), true)
})
