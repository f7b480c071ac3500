import assert from 'node:assert/strict'
import { test } from 'node:test'
import { createRng } from '../../../device-sim/random/prng.ts'

test('same seed and labels give the same stream; another label gives another', () => {
  const a = createRng(42, 'sensor', 'd1')
  const b = createRng(42, 'sensor', 'd1')
  const c = createRng(42, 'sensor', 'd2')
  const xs = Array.from({ length: 100 }, () => a.next())
  assert.deepEqual(xs, Array.from({ length: 100 }, () => b.next()))
  assert.notDeepEqual(xs, Array.from({ length: 100 }, () => c.next()))
})

test('normal(): mean 0 and variance 1 within 4 standard errors (200k draws)', () => {
  const r = createRng(7)
  const n = 200_000
  let s = 0
  let s2 = 0
  for (let i = 0; i < n; i++) {
    const x = r.normal()
    s += x
    s2 += x * x
  }
  assert.ok(Math.abs(s / n) < 4 / Math.sqrt(n))
  // Var(x²) = 2 for a standard normal
  assert.ok(Math.abs(s2 / n - 1) < 4 * Math.sqrt(2 / n))
})

test('next(): uniform deciles pass a chi-square test at 99.9 %', () => {
  const r = createRng(9)
  const bins = new Array<number>(10).fill(0)
  const n = 100_000
  for (let i = 0; i < n; i++) {
    const k = Math.floor(r.next() * 10)
    bins[k] = (bins[k] as number) + 1
  }
  const chi = bins.reduce((s, k) => s + (k - n / 10) ** 2 / (n / 10), 0)
  assert.ok(chi < 27.88, `χ² ${chi} (9 df, 99.9 % = 27.88)`)
})
