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

/**
 * sfc32 as a class rather than a bag of closures: one small object per stream with its state in
 * fields, and monomorphic prototype methods the JIT inlines. A device owns seven streams, and the
 * closure version (a context plus six function objects each) scattered a device's state over many
 * cache lines, a visible share of --out time with 1000 devices. The arithmetic is the same, so every
 * stream is unchanged.
 */
class Sfc32 implements Rng {
  private a: number
  private b: number
  private c: number
  private d: number
  private spare = 0
  private hasSpare = false

  constructor(state: readonly [number, number, number, number]) {
    ;[this.a, this.b, this.c, this.d] = state
    for (let i = 0; i < 12; i++) this.u32()
  }

  private u32(): number {
    const a = this.a | 0
    const b = this.b | 0
    const c = this.c | 0
    const d = this.d | 0
    const t = (((a + b) | 0) + d) | 0
    this.d = (d + 1) | 0
    this.a = b ^ (b >>> 9)
    this.b = (c + (c << 3)) | 0
    this.c = (((c << 21) | (c >>> 11)) + t) | 0
    return t >>> 0
  }

  next(): number {
    return this.u32() / 4294967296
  }

  /** Marsaglia polar method; the second variate of each pair is kept for the next call. */
  normal(): number {
    if (this.hasSpare) {
      this.hasSpare = false
      return this.spare
    }
    let u = 0
    let v = 0
    let s = 0
    do {
      u = this.next() * 2 - 1
      v = this.next() * 2 - 1
      s = u * u + v * v
    } while (s >= 1 || s === 0)
    const m = Math.sqrt((-2 * Math.log(s)) / s)
    this.spare = v * m
    this.hasSpare = true
    return u * m
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next()
  }

  chance(p: number): boolean {
    return p > 0 && this.next() < p
  }

  exponential(mean: number): number {
    return -mean * Math.log(1 - this.next())
  }

  int(n: number): number {
    return Math.floor(this.next() * n)
  }
}

/** A generator for one purpose: createRng(seed, 'sensor', deviceId) and so on. */
export function createRng(seed: number | string, ...labels: readonly string[]): Rng {
  return new Sfc32(cyrb128([String(seed), ...labels].join('\u0000')))
}
