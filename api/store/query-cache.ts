// A micro-cache with single-flight in front of Cassandra reads: identical requests arriving within
// `ttlMs` (many dashboards polling the same device, a burst of identical queries) share one round
// trip instead of multiplying load on the store. Failures are never cached. ttlMs = 0 disables it.
export class QueryCache {
  readonly #ttlMs: number
  readonly #max: number
  readonly #now: () => number
  readonly #entries = new Map<string, { at: number; value: Promise<unknown> }>()

  constructor(ttlMs: number, maxEntries = 1_000, now: () => number = Date.now) {
    this.#ttlMs = ttlMs
    this.#max = maxEntries
    this.#now = now
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.#ttlMs <= 0) return load()
    const t = this.#now()
    const hit = this.#entries.get(key)
    if (hit && t - hit.at < this.#ttlMs) return hit.value as Promise<T>
    const value = load()
    this.#entries.delete(key)
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, { at: t, value })
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key)
    })
    return value
  }
}
