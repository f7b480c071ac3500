// Seeded PRNG: sfc32 (Chris Doty-Humphrey's Small Fast Counting generator; passes PractRand to
// 2^56+ bytes) seeded from a 128-bit string hash. Every random draw in the model comes from one of
// these, created per device and per purpose, so adding a chaos option or another device never
// shifts the readings of an existing device.

export interface Rng {
  /** uniform in [0, 1) */
  next(): number
  /** standard normal N(0, 1) */
  normal(): number
  /** uniform in [min, max) */
  uniform(min: number, max: number): number
  /** true with probability p */
  chance(p: number): boolean
  /** exponential with the given mean */
  exponential(mean: number): number
  /** integer in [0, n) */
  int(n: number): number
}

/** cyrb128: four independent 32-bit hashes of a string, used as the sfc32 state. */
function cyrb128(str: string): [number, number, number, number] {
  let h1 = 1779033703
  let h2 = 3144134277
  let h3 = 1013904242
  let h4 = 2773480762
  for (let i = 0; i < str.length; i++) {
    const k = str.charCodeAt(i)
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067)
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233)
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213)
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179)
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067)
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233)
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213)
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179)
  h1 ^= h2 ^ h3 ^ h4
  h2 ^= h1
  h3 ^= h1
  h4 ^= h1
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0]
}

/** A generator for one purpose: createRng(seed, 'sensor', deviceId) and so on. */
export function createRng(seed: number | string, ...labels: readonly string[]): Rng {
  let [a, b, c, d] = cyrb128([String(seed), ...labels].join('\u0000'))
  const u32 = (): number => {
    a |= 0
    b |= 0
    c |= 0
    d |= 0
    const t = (((a + b) | 0) + d) | 0
    d = (d + 1) | 0
    a = b ^ (b >>> 9)
    b = (c + (c << 3)) | 0
    c = (c << 21) | (c >>> 11)
    c = (c + t) | 0
    return t >>> 0
  }
  for (let i = 0; i < 12; i++) u32()
  const next = (): number => u32() / 4294967296
  let spare = 0
  let hasSpare = false
  // Marsaglia polar method; the second variate of each pair is kept for the next call.
  const normal = (): number => {
    if (hasSpare) {
      hasSpare = false
      return spare
    }
    let u = 0
    let v = 0
    let s = 0
    do {
      u = next() * 2 - 1
      v = next() * 2 - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const m = Math.sqrt((-2 * Math.log(s)) / s)
    spare = v * m
    hasSpare = true
    return u * m
  }
  return {
    next,
    normal,
    uniform: (min, max) => min + (max - min) * next(),
    chance: (p) => p > 0 && next() < p,
    exponential: (mean) => -mean * Math.log(1 - next()),
    int: (n) => Math.floor(next() * n),
  }
}
