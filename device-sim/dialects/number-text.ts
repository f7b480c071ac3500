// String(v) through a bounded cache. Quantized sensor values repeat (a 0.01 °C channel spends hours
// within a few hundred distinct values), and double-to-shortest-string conversion was the largest
// cost of the encoders in --out mode. The cache is direct-mapped on the double's bits (a Map's
// lookup was itself a visible cost at three values per reading): a slot holds one number and its
// text, a collision overwrites. Exact by construction: a slot answers only for the number it holds.
const SLOTS = 1 << 16
const keys = new Float64Array(SLOTS)
const texts: (string | undefined)[] = new Array<string | undefined>(SLOTS).fill(undefined)
// the two 32-bit halves of a double, to hash it
const f64 = new Float64Array(1)
const u32 = new Uint32Array(f64.buffer)

export function numberText(v: number): string {
  f64[0] = v
  const h = Math.imul((u32[0] as number) ^ Math.imul(u32[1] as number, 0x85ebca6b), 0x9e3779b1) >>> 16
  const s = texts[h]
  // 0 and -0 compare equal and both print "0"; NaN never matches and is recomputed (it prints "NaN")
  if (s !== undefined && keys[h] === v) return s
  const t = String(v)
  keys[h] = v
  texts[h] = t
  return t
}
