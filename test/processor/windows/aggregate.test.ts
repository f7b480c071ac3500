import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { addValue, emptyStats, mergeStats, stddevOf } from '../../../processor/windows/aggregate.ts'
import { utcDay, windowStartOf } from '../../../processor/windows/tumbling-window.ts'

const twoPass = (xs: number[]): { mean: number; sd: number } => {
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length
  return { mean, sd: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length) }
}
const values = fc.array(fc.double({ min: -1_000, max: 2_000, noNaN: true }), { minLength: 1, maxLength: 300 })

test('Welford count/mean/stddev/min/max equal a two-pass oracle', () => {
  fc.assert(
    fc.property(values, (xs) => {
      const s = emptyStats()
      xs.forEach((x, i) => addValue(s, x, 1_000 + i))
      const o = twoPass(xs)
      assert.equal(s.count, xs.length)
      assert.ok(Math.abs(s.mean - o.mean) <= 1e-9 * Math.max(1, Math.abs(o.mean)), `mean ${s.mean} vs ${o.mean}`)
      assert.ok(Math.abs(stddevOf(s) - o.sd) <= 1e-7 * Math.max(1, o.sd), `sd ${stddevOf(s)} vs ${o.sd}`)
      assert.equal(s.min, Math.min(...xs))
      assert.equal(s.max, Math.max(...xs))
      assert.equal(s.firstEvent, 1_000)
      assert.equal(s.lastEvent, 1_000 + xs.length - 1)
    }),
    { seed: 42, numRuns: 300 },
  )
})

test('merging two accumulators equals accumulating everything', () => {
  fc.assert(
    fc.property(values, values, (a, b) => {
      const sa = emptyStats()
      const sb = emptyStats()
      const all = emptyStats()
      a.forEach((x, i) => addValue(sa, x, i))
      b.forEach((x, i) => addValue(sb, x, 500 + i))
      ;[...a, ...b].forEach((x, i) => addValue(all, x, i < a.length ? i : 500 + i - a.length))
      const m = mergeStats(sa, sb)
      assert.equal(m.count, all.count)
      assert.ok(Math.abs(m.mean - all.mean) <= 1e-9 * Math.max(1, Math.abs(all.mean)))
      assert.ok(Math.abs(stddevOf(m) - stddevOf(all)) <= 1e-7 * Math.max(1, stddevOf(all)))
      assert.deepEqual([m.min, m.max, m.firstEvent, m.lastEvent], [all.min, all.max, all.firstEvent, all.lastEvent])
      assert.deepEqual(mergeStats(emptyStats(), sa), sa)
    }),
    { seed: 7, numRuns: 200 },
  )
})

test('a single reading has stddev 0; an empty window has none of min/max', () => {
  const s = emptyStats()
  addValue(s, 21.5, 10)
  assert.equal(stddevOf(s), 0)
  assert.equal(stddevOf(emptyStats()), 0)
})

test('windows are aligned to the epoch (UTC), not to the first reading', () => {
  const t = Date.UTC(2026, 10, 22, 3, 17, 42, 123)
  assert.equal(windowStartOf(t, 60_000), Date.UTC(2026, 10, 22, 3, 17))
  assert.equal(windowStartOf(t, 3_600_000), Date.UTC(2026, 10, 22, 3))
  assert.equal(windowStartOf(Date.UTC(2026, 10, 22, 3, 18), 60_000), Date.UTC(2026, 10, 22, 3, 18), 'the end is exclusive')
  assert.equal(utcDay(Date.UTC(2026, 10, 22, 23, 59, 59, 999)), '2026-11-22')
})
