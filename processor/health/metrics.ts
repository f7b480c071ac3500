// The processor's metrics in Prometheus text format (0.0.4): counters, gauges read at scrape time
// and one latency histogram — a few lines instead of another dependency.
export interface ProcessorCounters {
  records: number
  readings: number
  duplicates: number
  late: number
  invalid: number
  rejected: number
  windowsClosed: number
  anomaliesOpened: number
  checkpoints: number
  storeFailures: number
  pipelineCounterFlushFailures: number
}

export const newCounters = (): ProcessorCounters => ({
  records: 0,
  readings: 0,
  duplicates: 0,
  late: 0,
  invalid: 0,
  rejected: 0,
  windowsClosed: 0,
  anomaliesOpened: 0,
  checkpoints: 0,
  storeFailures: 0,
  pipelineCounterFlushFailures: 0,
})

const BOUNDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10]

/** Histogram of seconds, also keeping the last `keep` samples for exact quantiles (benchmarks). */
export class LatencyHistogram {
  readonly counts = BOUNDS.map(() => 0)
  sum = 0
  count = 0
  readonly samples: number[] = []
  readonly #keep: number

  constructor(keep = 100_000) {
    this.#keep = keep
  }

  observe(seconds: number, times = 1): void {
    for (let n = 0; n < times; n++) {
      this.sum += seconds
      this.count++
      BOUNDS.forEach((b, i) => {
        if (seconds <= b) this.counts[i] = (this.counts[i] as number) + 1
      })
      if (this.samples.length < this.#keep) this.samples.push(seconds)
      else this.samples[this.count % this.#keep] = seconds
    }
  }

  quantile(q: number): number {
    if (this.samples.length === 0) return NaN
    const s = [...this.samples].sort((a, b) => a - b)
    return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] as number
  }

  lines(name: string): string[] {
    return [
      ...BOUNDS.map((b, i) => `${name}_bucket{le="${b}"} ${this.counts[i]}`),
      `${name}_bucket{le="+Inf"} ${this.count}`,
      `${name}_sum ${this.sum}`,
      `${name}_count ${this.count}`,
    ]
  }
}

export interface MetricsSource {
  counters: ProcessorCounters
  writes: () => number
  /** Cassandra requests (a batch is one) */
  requests?: () => number
  lag: () => Map<number, number>
  openWindows: () => number
  /** raw readings processed and held back, not yet written (raw-write-behind.ts) */
  rawPending?: () => number
  pausedPartitions: () => number
  closeToDurable: LatencyHistogram
}

const HELP: Record<keyof ProcessorCounters, string> = {
  records: 'Kafka records consumed (including replays after a restart)',
  readings: 'readings counted (after dedup)',
  duplicates: 'readings dropped as duplicates of (deviceId, boot, seq)',
  late: 'readings that arrived after their window closed (corrections)',
  invalid: 'metric values outside the sensor profile (sensor faults, never averaged)',
  rejected: 'records sent to the dead-letter topic',
  windowsClosed: 'windows closed by the watermark',
  anomaliesOpened: 'anomalies opened',
  checkpoints: 'partition checkpoints written (each followed by an offset commit)',
  storeFailures: 'times a partition paused because Cassandra or Kafka failed',
  pipelineCounterFlushFailures: 'pipeline counter flushes to Cassandra that failed (rows kept for the next one)',
}
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)

export function prometheusText(m: MetricsSource): string {
  const out: string[] = []
  for (const [k, help] of Object.entries(HELP)) {
    const name = `processor_${snake(k)}_total`
    out.push(`# HELP ${name} ${help}`, `# TYPE ${name} counter`, `${name} ${m.counters[k as keyof ProcessorCounters]}`)
  }
  out.push('# HELP processor_cassandra_writes_total rows written to Cassandra (a batch counts its rows)', '# TYPE processor_cassandra_writes_total counter', `processor_cassandra_writes_total ${m.writes()}`)
  if (m.requests) out.push('# HELP processor_cassandra_requests_total Cassandra write requests (statements and batches)', '# TYPE processor_cassandra_requests_total counter', `processor_cassandra_requests_total ${m.requests()}`)
  out.push('# HELP processor_lag records behind the partition high watermark', '# TYPE processor_lag gauge')
  for (const [p, lag] of m.lag()) out.push(`processor_lag{partition="${p}"} ${lag}`)
  out.push('# HELP processor_open_windows windows waiting for the watermark', '# TYPE processor_open_windows gauge', `processor_open_windows ${m.openWindows()}`)
  if (m.rawPending) out.push('# HELP processor_raw_pending raw readings held back to be written as fewer mutations (written before the next checkpoint)', '# TYPE processor_raw_pending gauge', `processor_raw_pending ${m.rawPending()}`)
  out.push('# HELP processor_paused_partitions partitions paused until the store is back', '# TYPE processor_paused_partitions gauge', `processor_paused_partitions ${m.pausedPartitions()}`)
  out.push('# HELP processor_window_durable_seconds from a window closing to its row in Cassandra', '# TYPE processor_window_durable_seconds histogram')
  out.push(...m.closeToDurable.lines('processor_window_durable_seconds'))
  return `${out.join('\n')}\n`
}
