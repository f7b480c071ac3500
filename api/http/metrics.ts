// A small Prometheus text-format registry (exposition format 0.0.4): request counts and latency
// per route, SSE clients, store failures. Enough for /metrics without another dependency.
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

const esc = (v: string): string => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')
const labels = (l: Record<string, string>): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${esc(v)}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

interface Histo {
  buckets: number[]
  sum: number
  count: number
}

export class ApiMetrics {
  readonly #requests = new Map<string, number>()
  readonly #durations = new Map<string, Histo>()
  readonly #storeUnavailable = { n: 0 }
  readonly #streamEvents = new Map<string, number>()
  sseClients = 0

  observeRequest(method: string, route: string, status: number, seconds: number): void {
    const k = labels({ method, route, status: String(status) })
    this.#requests.set(k, (this.#requests.get(k) ?? 0) + 1)
    const hk = labels({ route })
    let h = this.#durations.get(hk)
    if (!h) this.#durations.set(hk, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }))
    BUCKETS.forEach((b, i) => {
      if (seconds <= b) h.buckets[i] = (h.buckets[i] ?? 0) + 1
    })
    h.sum += seconds
    h.count++
  }

  storeUnavailable(): void {
    this.#storeUnavailable.n++
  }

  streamEvent(kind: string): void {
    this.#streamEvents.set(kind, (this.#streamEvents.get(kind) ?? 0) + 1)
  }

  render(extra: Record<string, number> = {}): string {
    const out: string[] = []
    out.push('# HELP api_http_requests_total HTTP requests by method, route and status.', '# TYPE api_http_requests_total counter')
    for (const [k, v] of this.#requests) out.push(`api_http_requests_total${k} ${v}`)
    out.push('# HELP api_http_request_duration_seconds Request latency by route.', '# TYPE api_http_request_duration_seconds histogram')
    for (const [k, h] of this.#durations) {
      const inner = k.slice(1, -1)
      BUCKETS.forEach((b, i) => out.push(`api_http_request_duration_seconds_bucket{${inner},le="${b}"} ${h.buckets[i] ?? 0}`))
      out.push(`api_http_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`)
      out.push(`api_http_request_duration_seconds_sum${k} ${h.sum}`, `api_http_request_duration_seconds_count${k} ${h.count}`)
    }
    out.push('# HELP api_store_unavailable_total Requests answered 503 because Cassandra was unavailable.', '# TYPE api_store_unavailable_total counter')
    out.push(`api_store_unavailable_total ${this.#storeUnavailable.n}`)
    out.push('# HELP api_stream_events_total Server-sent events sent, by kind.', '# TYPE api_stream_events_total counter')
    for (const [k, v] of this.#streamEvents) out.push(`api_stream_events_total${labels({ kind: k })} ${v}`)
    out.push('# HELP api_sse_clients Connected /api/stream clients.', '# TYPE api_sse_clients gauge', `api_sse_clients ${this.sseClients}`)
    for (const [name, v] of Object.entries(extra)) out.push(`# TYPE ${name} gauge`, `${name} ${v}`)
    const mem = process.memoryUsage()
    out.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`)
    out.push('# TYPE process_uptime_seconds gauge', `process_uptime_seconds ${process.uptime().toFixed(3)}`)
    return `${out.join('\n')}\n`
  }
}
