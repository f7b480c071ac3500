// Per-device publish budget (Cloudflare Pub/Sub: 10 packets/s, DISCONNECT 0x96). Blocks one
// device flooding the Kafka pipeline at the expense of the others. Time comes from the clock.
import type { Clock } from '../clock.ts'

export interface TokenBucketOptions {
  ratePerSec: number
  burst: number
  clock: Clock
  /** buckets idle this long are forgotten, ms (bounds memory to active devices) */
  idleEvictMs?: number
}

interface Bucket {
  tokens: number
  at: number
}

export class TokenBuckets {
  readonly #opts: TokenBucketOptions
  readonly #buckets = new Map<string, Bucket>()
  #lastSweep = 0

  constructor(opts: TokenBucketOptions) {
    this.#opts = opts
  }

  /**
   * Reserve one token for `key`. Returns 0 when available now, the wait in ms when it will be
   * within `maxWaitMs` (the token is then already spent), or -1 when the wait would be longer.
   */
  reserve(key: string, maxWaitMs = 0): number {
    const now = this.#opts.clock.now()
    this.#sweep(now)
    const { ratePerSec, burst } = this.#opts
    const b = this.#buckets.get(key) ?? { tokens: burst, at: now }
    b.tokens = Math.min(burst, b.tokens + ((now - b.at) * ratePerSec) / 1000)
    b.at = now
    this.#buckets.set(key, b)
    if (b.tokens >= 1) {
      b.tokens -= 1
      return 0
    }
    const waitMs = Math.ceil(((1 - b.tokens) * 1000) / ratePerSec)
    if (waitMs > maxWaitMs) return -1
    b.tokens -= 1
    return waitMs
  }

  get size(): number {
    return this.#buckets.size
  }

  #sweep(now: number): void {
    const idle = this.#opts.idleEvictMs ?? 600_000
    if (now - this.#lastSweep < idle) return
    this.#lastSweep = now
    for (const [k, b] of this.#buckets) if (now - b.at > idle) this.#buckets.delete(k)
  }
}
