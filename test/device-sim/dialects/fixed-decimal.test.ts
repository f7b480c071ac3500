// splitFixed is what lets the line template skip String(): it must accept a quantized value only
// as the decimal String() prints, and refuse anything else (the template then steps aside).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import { decimalLength, digitCount, splitFixed } from '../../../device-sim/dialects/fixed-decimal.ts'
import { decimalsOf, quantizerParams } from '../../../device-sim/sensor/quantize.ts'

const ms = new Float64Array(1)
const ds = new Int32Array(1)

/** m·10^−d written out by string operations: the text the template's digits must spell */
function spelled(m: number, d: number): string {
  const digits = String(Math.abs(m)).padStart(d + 1, '0')
  const text = d === 0 ? digits : `${digits.slice(0, digits.length - d)}.${digits.slice(digits.length - d)}`
  return m < 0 ? `-${text}` : text
}

/** splitFixed's answer for v, or null when it refuses */
function split(v: number, decimals: number): string | null {
  if (!splitFixed(v, 10 ** decimals, decimals, ms, ds, 0)) return null
  const text = spelled(ms[0] as number, ds[0] as number)
  assert.equal(decimalLength(ms[0] as number, ds[0] as number), text.length)
  return text
}

test('every value a shipped profile quantizes to (its whole range) splits into String() exactly', () => {
  let n = 0
  for (const id of ['bme280', 'dht22', 'ds18b20', 'sht31']) {
    for (const ch of loadProfile(id).channels) {
      const { step, stepUnits, scale } = quantizerParams(ch.resolution.value)
      const decimals = decimalsOf(step)
      // the quantizer of channel-model.ts, over the clamp range and a margin past it
      for (let k = Math.floor(ch.min.value / step) - 100; k <= Math.ceil(ch.max.value / step) + 100; k++) {
        const v = (k * stepUnits) / scale
        assert.equal(split(v, decimals), String(v), `${id} ${ch.metric} ${v}`)
        n++
      }
    }
  }
  assert.ok(n > 80_000)
})

test('battery volts, sentinels, spikes and integers split exactly; -0 prints as 0', () => {
  for (let k = 0; k <= 500; k++) assert.equal(split(Math.round((k / 100) * 100) / 100, 2), String(k / 100))
  for (const v of [-127, 85, 100, 0, -0, 3266.7, -3266.7, 0.05, -0.05]) assert.equal(split(v, 2), String(v))
  // m must stay below 2^31 once scaled
  for (const v of [2147483647, -2147483647]) assert.equal(split(v, 0), String(v))
  assert.equal(split(2147483647, 2), null)
})

test('anything String() would not print as such a decimal is refused', () => {
  for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 2147483648, 1e21, 0.001, 1 / 3, 21.000000000000004, 1e-7]) {
    assert.equal(split(v, 2), null, String(v))
  }
  fc.assert(
    fc.property(fc.double(), fc.integer({ min: 0, max: 6 }), (v, decimals) => {
      const text = split(v, decimals)
      if (text !== null) assert.equal(text, String(v))
    }),
    { numRuns: 20_000 },
  )
})

test('digitCount is the length of String() for 0 ≤ x < 2^31', () => {
  const edge = [0, 1, 9, 10, 99, 100, 999_999_999, 1_000_000_000, 2_147_483_647]
  fc.assert(
    fc.property(fc.oneof(fc.constantFrom(...edge), fc.integer({ min: 0, max: 2_147_483_647 })), (x) => {
      assert.equal(digitCount(x), String(x).length)
    }),
    { numRuns: 20_000 },
  )
})
