import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Watermark } from '../../../processor/windows/watermark.ts'

test('watermark = max event time − lateness; out-of-order readings never move it back', () => {
  const w = new Watermark(5_000)
  assert.equal(w.value, -Infinity)
  w.observe(100_000)
  w.observe(90_000)
  assert.equal(w.value, 95_000)
  w.observe(120_000)
  assert.equal(w.value, 115_000)
})

test('idle partition: the watermark follows the wall clock only after the idle timeout', () => {
  const w = new Watermark(5_000)
  w.observe(1_000_000)
  assert.equal(w.idleAdvance(1_029_999, 1_000_000, 30_000), false, 'not idle yet')
  assert.equal(w.value, 995_000)
  assert.equal(w.idleAdvance(1_100_000, 1_000_000, 30_000), true)
  assert.equal(w.value, 1_100_000 - 30_000 - 5_000)
  assert.equal(w.idleAdvance(1_100_000, 1_000_000, 30_000), false, 'no move, no report')
  w.observe(1_000_500)
  assert.equal(w.value, 1_065_000, 'an older reading does not pull it back')
})

test('state round-trips', () => {
  const w = new Watermark(1_000)
  w.observe(50_000)
  const copy = new Watermark(1_000, w.state)
  assert.equal(copy.value, 49_000)
})
