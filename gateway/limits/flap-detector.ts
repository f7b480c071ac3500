// Reconnect storms of one identity (EMQX flapping_detect): a device that completes more than
// `maxConnects` sessions within `windowMs` is refused for `banMs`. Only authenticated sessions
// count, so nobody can get a device banned by connecting with its id and a wrong password. The
// classic cause is two units sharing one credential, taking the session over from each other.
import type { Clock } from '../clock.ts'

export interface FlapDetectorOptions {
  maxConnects: number
  windowMs: number
  banMs: number
  clock: Clock
}

export class FlapDetector {
  readonly #o: FlapDetectorOptions
  readonly #recent = new Map<string, number[]>()
  readonly #bannedUntil = new Map<string, number>()

  constructor(o: FlapDetectorOptions) {
    this.#o = o
  }

  /** An authenticated session started; returns true when this connect starts a ban. */
  record(id: string): boolean {
    const now = this.#o.clock.now()
    const times = (this.#recent.get(id) ?? []).filter((t) => now - t < this.#o.windowMs)
    times.push(now)
    this.#recent.set(id, times)
    if (times.length > this.#o.maxConnects) {
      this.#bannedUntil.set(id, now + this.#o.banMs)
      this.#recent.delete(id)
      return true
    }
    if (this.#recent.size > 100_000) this.#prune(now)
    return false
  }

  isBanned(id: string): boolean {
    const until = this.#bannedUntil.get(id)
    if (until === undefined) return false
    if (this.#o.clock.now() < until) return true
    this.#bannedUntil.delete(id)
    return false
  }

  #prune(now: number): void {
    for (const [id, times] of this.#recent) if (times.every((t) => now - t >= this.#o.windowMs)) this.#recent.delete(id)
  }
}
