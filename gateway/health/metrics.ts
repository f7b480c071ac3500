// A small Prometheus text-format registry (exposition format 0.0.4): counters with labels, gauges
// read at scrape time, and histograms. Enough for /metrics without another dependency.
type Labels = Readonly<Record<string, string>>

const labelText = (l: Labels): string => {
  const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`)
  return parts.length ? `{${parts.join(',')}}` : ''
}

// inc() runs several times per message on the ingest path; escaping and joining the labels each
// time showed in profiles. Label values are a small closed set (reasons, limits, dialects), so the
// exposition text is cached per raw label string; the cap keeps a caller passing open-ended values
// from growing it without bound (those are then escaped on each call, as before).
const LABEL_CACHE_MAX = 10_000
const labelCache = new Map<string, string>()
const labelKey = (l: Labels): string => {
  let raw = ''
  for (const k in l) raw += `${k}\u0000${l[k] as string}\u0001`
  if (raw === '') return ''
  let text = labelCache.get(raw)
  if (text === undefined) {
    text = labelText(l)
    if (labelCache.size < LABEL_CACHE_MAX) labelCache.set(raw, text)
  }
  return text
}

export class Counter {
  readonly #values = new Map<string, number>()
  inc(labels: Labels = {}, by = 1): void {
    const k = labelKey(labels)
    this.#values.set(k, (this.#values.get(k) ?? 0) + by)
  }
  get(labels: Labels = {}): number {
    return this.#values.get(labelKey(labels)) ?? 0
  }
  lines(name: string): string[] {
    if (this.#values.size === 0) return [`${name} 0`]
    return [...this.#values].map(([k, v]) => `${name}${k} ${v}`)
  }
}

export class Histogram {
  readonly #bounds: readonly number[]
  readonly #counts: number[]
  #sum = 0
  #count = 0
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds
    this.#counts = bounds.map(() => 0)
  }
  observe(v: number): void {
    this.#sum += v
    this.#count++
    for (let i = 0; i < this.#bounds.length; i++) if (v <= (this.#bounds[i] as number)) this.#counts[i] = (this.#counts[i] as number) + 1
  }
  get count(): number {
    return this.#count
  }
  lines(name: string): string[] {
    const out = this.#bounds.map((b, i) => `${name}_bucket{le="${b}"} ${this.#counts[i]}`)
    out.push(`${name}_bucket{le="+Inf"} ${this.#count}`, `${name}_sum ${this.#sum}`, `${name}_count ${this.#count}`)
    return out
  }
}

interface Entry {
  name: string
  help: string
  type: 'counter' | 'gauge' | 'histogram'
  lines: () => string[]
}

export class MetricsRegistry {
  readonly #entries: Entry[] = []

  counter(name: string, help: string): Counter {
    const c = new Counter()
    this.#entries.push({ name, help, type: 'counter', lines: () => c.lines(name) })
    return c
  }
  gauge(name: string, help: string, read: () => number): void {
    this.#entries.push({ name, help, type: 'gauge', lines: () => [`${name} ${read()}`] })
  }
  histogram(name: string, help: string, bounds: readonly number[]): Histogram {
    const h = new Histogram(bounds)
    this.#entries.push({ name, help, type: 'histogram', lines: () => h.lines(name) })
    return h
  }
  render(): string {
    return `${this.#entries.flatMap((e) => [`# HELP ${e.name} ${e.help}`, `# TYPE ${e.name} ${e.type}`, ...e.lines()]).join('\n')}\n`
  }
}
