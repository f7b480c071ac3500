// A micro-cache with single-flight in front of Cassandra reads: identical requests arriving within
// `ttlMs` (many dashboards polling the same device, a burst of identical queries) share one round
// trip instead of multiplying load on the store. Failures are never cached. ttlMs = 0 disables it.
//
// Refresh-ahead: a hit on an entry older than half the TTL starts its reload in the background
// and is still answered from the entry. A key that keeps being asked for is therefore reloaded
// before it expires, and no request waits for Cassandra (without it, every TTL all concurrent
// requests of the key stalled behind one query: the p99 of the windows benchmark). The bound on
// staleness is unchanged — nothing older than ttlMs (from the start of its load) is ever served;
// if the reload is not back by then, requests share the reload. A hot key costs at most two loads
// per TTL; a key asked for once costs one, as before.
interface Entry {
  /** when its load started */
  at: number
  value: Promise<unknown>
  settled: boolean
  /** a refresh-ahead reload in flight */
  next?: Entry
}

export class QueryCache {
  readonly #ttlMs: number
  readonly #max: number
  readonly #now: () => number
  readonly #entries = new Map<string, Entry>()

  constructor(ttlMs: number, maxEntries = 1_000, now: () => number = Date.now) {
    this.#ttlMs = ttlMs
    this.#max = maxEntries
    this.#now = now
  }

  /** entries held, expired ones included until the next load sweeps them */
  get size(): number {
    return this.#entries.size
  }

  get<T>(key: string, load: () => Promise<T>): Promise<T> {
    if (this.#ttlMs <= 0) return load()
    const t = this.#now()
    const hit = this.#entries.get(key)
    if (hit && t - hit.at < this.#ttlMs) {
      if (hit.settled && hit.next === undefined && t - hit.at >= this.#ttlMs / 2) this.#refresh(key, hit, t, load)
      return hit.value as Promise<T>
    }
    if (hit?.next && t - hit.next.at < this.#ttlMs) {
      this.#store(key, hit.next, t)
      return hit.next.value as Promise<T>
    }
    const entry = this.#track(key, { at: t, value: load(), settled: false })
    this.#store(key, entry, t)
    return entry.value as Promise<T>
  }

  #refresh(key: string, current: Entry, t: number, load: () => Promise<unknown>): void {
    const next = this.#track(key, { at: t, value: load(), settled: false })
    current.next = next
    next.value.then(
      () => {
        // Only if the entry it refreshes is still the one held (not evicted or replaced meanwhile).
        if (this.#entries.get(key) === current) this.#store(key, next, this.#now())
      },
      () => {
        if (current.next === next) delete current.next // keep serving `current` until its TTL
      },
    )
  }

  #track(key: string, e: Entry): Entry {
    e.value.then(
      () => {
        e.settled = true
      },
      () => {
        if (this.#entries.get(key) === e) this.#entries.delete(key)
      },
    )
    return e
  }

  #store(key: string, e: Entry, t: number): void {
    this.#entries.delete(key)
    // Insertion order is (nearly) load order, so expired entries sit at the front: dropping them
    // here keeps only about the last ttlMs of bodies in memory (a 24 h windows body is 0.4-1.6 MB;
    // without the sweep, 1,000 stale ones could stay until evicted by count).
    for (const [k, old] of this.#entries) {
      if (t - old.at < this.#ttlMs) break
      this.#entries.delete(k)
    }
    if (this.#entries.size >= this.#max) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(key, e)
  }
}
