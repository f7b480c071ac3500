import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { numberText } from '../../../device-sim/dialects/number-text.ts'

test('numberText is String(), for fresh, repeated and colliding numbers', () => {
  const quantized = fc.integer({ min: -200_000, max: 200_000 }).map((k) => (k * 262) / 10_000)
  const any = fc.oneof(quantized, fc.double(), fc.constantFrom(0, -0, Number.NaN, Number.POSITIVE_INFINITY, -127, 85))
  // far more distinct numbers than the cache has slots, each asked several times
  fc.assert(
    fc.property(fc.array(any, { minLength: 1, maxLength: 200 }), (vs) => {
      for (let pass = 0; pass < 3; pass++) for (const v of vs) assert.equal(numberText(v), String(v))
    }),
    { numRuns: 2000 },
  )
})
