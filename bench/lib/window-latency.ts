// Publish → window visible through the API, by polling GET /api/devices/:id/windows for a few
// sampled devices, as a dashboard would. A window [start, end) closes when a partition's watermark
// (max event time − allowed lateness) passes its end, i.e. once a reading stamped at or after
// end + lateness has been processed. The load generator stamps each reading with the time its
// publish was due (`ts`, the event time; it is published then, or later if the generator ran late),
// on this machine's clock. So for every window first seen at `seenAt`, `seenAt − (end + lateness)`
// is the time from the (due) publish of the first reading that can close the window to the window
// being served by the API: gateway, Kafka, processor, Cassandra and the API
// (with its read cache, as users get it). The wait for the window to end and for the
// lateness is by design and is reported separately, not hidden in this figure.

export interface WindowLatencyOptions {
  api: string
  deviceIds: string[]
  windowMs: number
  allowedLatenessMs: number
  /** windows starting before this (epoch ms) are ignored: the load was not running for all of it */
  fromMs: number
  pollMs: number
}

export interface WindowLatencyResult {
  windows: number
  p50Ms: number
  p99Ms: number
  maxMs: number
  /** windows that ended (+ lateness) before the load stopped but were never seen; -1 = not judged */
  missing: number
}

const quantile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? Number.NaN

export class WindowLatencyProbe {
  readonly #o: WindowLatencyOptions
  readonly #seen = new Map<string, number>()
  #timer: NodeJS.Timeout | undefined
  #polling = false
  errors = 0

  constructor(o: WindowLatencyOptions) {
    this.#o = o
  }

  start(): void {
    this.#timer = setInterval(() => void this.#poll(), this.#o.pollMs)
  }

  async #poll(): Promise<void> {
    if (this.#polling) return
    this.#polling = true
    const { api, windowMs, fromMs } = this.#o
    // A fixed range per device (the whole run), so repeated polls share the API's read cache
    // exactly as many dashboards polling the same device do.
    const from = Math.floor(fromMs / windowMs) * windowMs
    const to = from + 86_400_000
    try {
      await Promise.all(
        this.#o.deviceIds.map(async (id) => {
          const res = await fetch(`${api}/api/devices/${id}/windows?size=${windowMs / 1000}s&from=${from}&to=${to}&format=rows`, { signal: AbortSignal.timeout(5_000) })
          const now = Date.now()
          if (res.status === 404) return void (await res.arrayBuffer()) // not in the registry yet
          if (!res.ok) {
            this.errors++
            return void (await res.arrayBuffer())
          }
          const body = (await res.json()) as { items: Array<{ windowStart: string }> }
          for (const row of body.items) {
            const key = `${id}/${Date.parse(row.windowStart)}`
            if (!this.#seen.has(key)) this.#seen.set(key, now)
          }
        }),
      )
    } catch {
      this.errors++
    } finally {
      this.#polling = false
    }
  }

  /** Stops polling; windows whose close was due before `loadEndMs` count (or are missing). */
  stop(loadEndMs: number): WindowLatencyResult {
    if (this.#timer) clearInterval(this.#timer)
    const { windowMs, allowedLatenessMs, fromMs } = this.#o
    const latencies: number[] = []
    let missing = 0
    const firstStart = Math.ceil(fromMs / windowMs) * windowMs
    for (const id of this.#o.deviceIds) {
      for (let start = firstStart; start + windowMs + allowedLatenessMs <= loadEndMs; start += windowMs) {
        const seenAt = this.#seen.get(`${id}/${start}`)
        if (seenAt === undefined) missing++
        else latencies.push(seenAt - (start + windowMs + allowedLatenessMs))
      }
    }
    latencies.sort((a, b) => a - b)
    return { windows: latencies.length, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), maxMs: latencies.at(-1) ?? Number.NaN, missing }
  }
}
