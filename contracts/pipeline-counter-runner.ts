// Runs a pipeline counter writer (pipeline-counters.ts) inside a service without ever letting
// Cassandra's health reach the service's own work: the client connects in the background, failed
// flushes are counted and logged at most once per `logEveryMs` (a down Cassandra would otherwise
// log every 5 s per process), their rows stay dirty for the next flush, and close() is bounded.
import type cassandra from 'cassandra-driver'
import { startCounterWriter, type CounterWriter, type PipelineComponent, type PipelineTally } from './pipeline-counters.ts'

export interface CounterLog {
  warn(obj: object, msg?: string): void
}

export interface CounterRunnerOptions {
  client: cassandra.Client
  tally: PipelineTally
  component: PipelineComponent
  /** default: host-pid-startMs (one per process run) */
  instance?: string
  /** flush period, ms (default 5,000) */
  intervalMs?: number
  log: CounterLog
  /** called once per failed flush (a /metrics counter) */
  onFailure?: () => void
  /** at most one failure log line per this many ms (default 60,000) */
  logEveryMs?: number
  now?: () => number
}

export interface CounterRunner {
  readonly instance: string
  readonly writer: CounterWriter
  /** last flush, bounded by `timeoutMs`; never throws */
  close(timeoutMs: number): Promise<void>
}

/** Rate-limited failure report: the first failure at once, then one line per period with the count. */
export function throttledFailures(log: CounterLog, what: string, everyMs: number, now: () => number, onFailure?: () => void): (err: unknown) => void {
  let lastLogAt = -Infinity
  let suppressed = 0
  return (err: unknown) => {
    onFailure?.()
    const t = now()
    if (t - lastLogAt < everyMs) {
      suppressed++
      return
    }
    lastLogAt = t
    log.warn({ err: (err as Error)?.message ?? String(err), suppressed }, what)
    suppressed = 0
  }
}

/** writer.close() bounded by `timeoutMs`; a failure or timeout goes to `report`, never thrown. */
export async function closeWithin(writer: CounterWriter, timeoutMs: number, report: (err: unknown) => void): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), timeoutMs)))
  try {
    const res = await Promise.race([writer.close().then(() => 'ok' as const), timeout])
    if (res === 'timeout') report(new Error(`last flush did not finish within ${timeoutMs} ms`))
  } catch (err) {
    report(err)
  } finally {
    clearTimeout(timer)
  }
}

export function startCounterRunner(o: CounterRunnerOptions): CounterRunner {
  const now = o.now ?? Date.now
  const report = throttledFailures(o.log, 'pipeline counters not written to Cassandra; kept for the next flush', o.logEveryMs ?? 60_000, now, o.onFailure)
  // Background connect: a service must start (and keep serving) with Cassandra down. A failed
  // connect is retried by the driver on the next flush's request.
  o.client.connect().catch(report)
  const writer = startCounterWriter(o.client, o.tally, {
    component: o.component,
    ...(o.instance ? { instance: o.instance } : {}),
    ...(o.intervalMs ? { intervalMs: o.intervalMs } : {}),
    onError: report,
    now,
  })
  return {
    instance: writer.instance,
    writer,
    close: async (timeoutMs) => {
      await closeWithin(writer, timeoutMs, report)
      // The driver's shutdown waits for in-flight requests; it is bounded the same way.
      await Promise.race([o.client.shutdown().catch(() => {}), new Promise((r) => setTimeout(r, Math.min(timeoutMs, 2_000)).unref())])
    },
  }
}
