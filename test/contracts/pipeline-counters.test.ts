import assert from 'node:assert/strict'
import { test } from 'node:test'
import { PipelineTally } from '../../contracts/pipeline-counters.ts'

test('a tally hands out each changed count once per flush, cumulative, in the order first changed', () => {
  const t = new PipelineTally()
  t.inc('d1', 'received')
  t.inc('d2', 'received', 4)
  t.inc('d1', 'received')
  t.inc('d1', 'accepted')
  assert.equal(t.get('d1', 'received'), 2)
  assert.equal(t.get('d9', 'received'), 0)
  assert.deepEqual(t.takeDirty(), [['d1', 'received', 2], ['d2', 'received', 4], ['d1', 'accepted', 1]])
  assert.deepEqual(t.takeDirty(), [], 'nothing changed since')
  t.inc('d2', 'received')
  assert.deepEqual(t.takeDirty(), [['d2', 'received', 5]], 'absolute value, not the delta')
})

test('rows put back after a failed flush are written next time, once, with the latest value', () => {
  const t = new PipelineTally()
  t.inc('d1', 'received')
  t.inc('d1', 'accepted')
  const failed = t.takeDirty()
  t.inc('d1', 'received') // changed again while the flush was failing
  t.markDirty(failed)
  assert.deepEqual(t.takeDirty(), [['d1', 'received', 2], ['d1', 'accepted', 1]])
})
