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

test('idle partition, live data: after the idle timeout the watermark moves with the wall clock', () => {
  // event time = arrival time (a live fleet): the advance equals now − idle timeout − lateness
  const w = new Watermark(5_000)
  w.observe(1_000_000)
  assert.equal(w.idleAdvance(1_029_999, 1_000_000, 30_000), false, 'not idle yet')
  assert.equal(w.value, 995_000)
  assert.equal(w.idleAdvance(1_030_000, 1_000_000, 30_000), false, 'idle, but nothing elapsed beyond the timeout: no jump')
  assert.equal(w.idleAdvance(1_100_000, 1_000_000, 30_000), true)
  assert.equal(w.value, 1_100_000 - 30_000 - 5_000)
  assert.equal(w.idleAdvance(1_100_000, 1_000_000, 30_000), false, 'no move, no report')
  w.observe(1_000_500)
  assert.equal(w.value, 1_065_000, 'an older reading does not pull it back')
})

test('idle partition, historic replay: the watermark advances by the idle time, never to the wall clock', () => {
  const jan = Date.UTC(2026, 0, 1, 0, 10) // event times of `npm run sim -- --out` (default start)
  const wall = Date.UTC(2026, 10, 22, 7, 0) // the replay runs ten months later
  const w = new Watermark(10_000)
  w.observe(jan)
  assert.equal(w.idleAdvance(wall + 45_000, wall, 30_000), true)
  assert.equal(w.value, jan + 15_000 - 10_000, 'event time + (idle − timeout) − lateness')
  assert.ok(w.value < wall - 86_400_000, 'nowhere near the wall clock')
  // the replay goes on after its pause: the next minute of event time is on time
  w.observe(jan + 60_000)
  assert.equal(w.value, jan + 50_000)
})

test('idle partition that never saw a record does not move', () => {
  const w = new Watermark(1_000)
  assert.equal(w.idleAdvance(10_000_000, 0, 1_000), false)
  assert.equal(w.value, -Infinity)
})

test('state round-trips, idle floor included', () => {
  const w = new Watermark(1_000)
  w.observe(50_000)
  const copy = new Watermark(1_000, w.state)
  assert.equal(copy.value, 49_000)
  w.idleAdvance(200_000, 100_000, 10_000)
  assert.equal(new Watermark(1_000, w.state).value, 50_000 + 90_000 - 1_000)
})
