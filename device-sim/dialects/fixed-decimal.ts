// String(v) of a quantized sensor value as an integer and a count of decimals, so that the line
// template (native-line.ts) writes its digits without making the string or looking it up in
// numberText's cache (both were a visible share of the --out encoding).
//
// Why the digits are exact: a quantizer's value is m / 10^d for an integer m (quantize.ts), and
// that division is correctly rounded, so v is the double nearest to the decimal m·10^−d. With
// |m| < 2^31 that decimal has at most 10 significant digits, and no other decimal of 15 digits or
// fewer rounds to the same double (DBL_DIG), so the shortest round-trip text String() prints is
// exactly it, with trailing zeros dropped; for 10^−7 ≤ |v| < 10^21 String() uses no exponent. A
// value not of that form (m / 10^d !== v: noise, a spike, NaN) is refused, and the caller falls
// back to String(). test/device-sim/dialects/fixed-decimal.test.ts checks every value of the
// profiles' ranges.

/** decimals above this could print with an exponent (|v| < 10^−7): refused */
export const MAX_DECIMALS = 6
const LIMIT = 2 ** 31 - 1

/**
 * Splits v into m·10^−d with d ≤ `decimals` as small as it goes (trailing zeros dropped) and
 * |m| < 2^31, storing m in ms[i] and d in ds[i]; false when v is not such a decimal.
 * `scale` is 10^decimals.
 */
export function splitFixed(v: number, scale: number, decimals: number, ms: Float64Array, ds: Int32Array, i: number): boolean {
  const r = Math.round(v * scale)
  // NaN fails the comparison; ±Infinity and huge values fail the range check
  if (!(r / scale === v) || r > LIMIT || r < -LIMIT) return false
  let m = r | 0 // -0 becomes 0, which String() also prints as "0"
  let d = decimals
  while (d > 0 && m % 10 === 0) {
    m = (m / 10) | 0
    d--
  }
  ms[i] = m
  ds[i] = d
  return true
}

/** 10^k as doubles, k = 0…10 */
export const POW10 = Float64Array.of(1, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10)

/** Decimal digits of 0 ≤ x < 2^31 (1 for 0), from its bit length: no comparison chain. */
export function digitCount(x: number): number {
  const y = x | 1
  const t = ((32 - Math.clz32(y)) * 1233) >> 12
  return t + 1 - (y < (POW10[t] as number) ? 1 : 0)
}

// "00".."99": two digits per division, for the line writers (native-line.ts)
export const PAIRS = new Uint8Array(200)
for (let i = 0; i < 100; i++) {
  PAIRS[2 * i] = 48 + Math.floor(i / 10)
  PAIRS[2 * i + 1] = 48 + (i % 10)
}

/** The length of String(m·10^−d), for m and d as splitFixed leaves them (or d = 0 and m a safe integer). */
export function decimalLength(m: number, d: number): number {
  let x = m
  let len = 0
  if (x < 0) {
    len = 1
    x = -x
  }
  if (x > LIMIT) return len + digitCount(Math.floor(x / 1e9)) + 9
  const n = digitCount(x | 0)
  return d === 0 ? len + n : len + (n <= d ? d + 1 : n) + 1
}
