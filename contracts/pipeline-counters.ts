// How the gateway and the processor report where every reading went (GET /api/pipeline).
// Each process counts per device in memory (PipelineTally) and a writer upserts the cumulative
// absolute values into Cassandra (cql/050-pipeline-counters.cql) every few seconds and on close.
// Absolute values make the write idempotent; a fresh instance id per process run means a restart
// adds rows instead of resetting them. Counts since the last flush are lost on SIGKILL.
import { hostname } from 'node:os'
import cassandra from 'cassandra-driver'

export const PipelineComponents = ['gateway', 'processor'] as const
export type PipelineComponent = (typeof PipelineComponents)[number]

/**
 * Counter names. Gateway: received = accepted + Σ rejected:<REASON> + spooled, and
 * spooled = replayed + still in the spool. Processor: consumed = stored_raw + duplicates +
 * dead_lettered (+ in flight); stored_raw = windowed + invalid (+ in open windows), late ⊂ windowed.
 * Gateway units: one per reading made durable, one per rejected message (dead letter).
 */
export const GatewayCounters = ['received', 'accepted', 'spooled', 'replayed'] as const
export const ProcessorCounters = ['consumed', 'duplicates', 'stored_raw', 'invalid', 'windowed', 'late', 'dead_lettered'] as const
export type GatewayCounter = (typeof GatewayCounters)[number] | `rejected:${string}`
export type ProcessorCounter = (typeof ProcessorCounters)[number]
export const rejectedCounter = (reason: string): `rejected:${string}` => `rejected:${reason}`

/** Counts that cannot be tied to a device (e.g. an unparseable topic) go under this id. */
export const UNKNOWN_DEVICE = '?'

interface Cell {
  readonly deviceId: string
  readonly counter: string
  value: number
  dirty: boolean
}

/**
 * Cumulative per-device counts of one process. `inc` runs for every message the gateway takes, so
 * a count is a cell found by two map lookups and queued once per flush when it changes: an earlier
 * version keyed a dirty Set by `${deviceId}\0${counter}`, a string built and hashed per message
 * (1.8 % of the gateway's CPU in a profile of its benchmark).
 */
export class PipelineTally {
  readonly #counts = new Map<string, Map<string, Cell>>()
  #dirty: Cell[] = []

  inc(deviceId: string, counter: string, n = 1): void {
    let m = this.#counts.get(deviceId)
    if (!m) this.#counts.set(deviceId, (m = new Map()))
    let cell = m.get(counter)
    if (!cell) m.set(counter, (cell = { deviceId, counter, value: 0, dirty: false }))
    cell.value += n
    this.#markCell(cell)
  }

  get(deviceId: string, counter: string): number {
    return this.#counts.get(deviceId)?.get(counter)?.value ?? 0
  }

  /** Rows changed since the last call, as [deviceId, counter, value]. */
  takeDirty(): Array<[string, string, number]> {
    const out = this.#dirty.map((c): [string, string, number] => {
      c.dirty = false
      return [c.deviceId, c.counter, c.value]
    })
    this.#dirty = []
    return out
  }

  /** Put rows back after a failed flush so the next one writes them. */
  markDirty(rows: Array<[string, string, number]>): void {
    for (const [d, c] of rows) {
      const cell = this.#counts.get(d)?.get(c)
      if (cell) this.#markCell(cell)
    }
  }

  #markCell(cell: Cell): void {
    if (cell.dirty) return
    cell.dirty = true
    this.#dirty.push(cell)
  }
}

export interface CounterWriterOptions {
  component: PipelineComponent
  /** unique per process run; default host-pid-startMs */
  instance?: string
  /** flush period, ms (default 5,000) */
  intervalMs?: number
  /** called when a periodic flush fails (the rows are retried on the next flush) */
  onError?: (err: unknown) => void
  now?: () => number
}

export interface CounterWriter {
  readonly instance: string
  flush(): Promise<void>
  /** stops the timer and writes a last time */
  close(): Promise<void>
  /** stops the timer without writing (someone else now owns these rows) */
  stop(): void
}

const UPSERT = 'INSERT INTO pipeline_counters (component, instance, device_id, counter, value, updated_at) VALUES (?, ?, ?, ?, ?, ?)'
const INSTANCE = 'INSERT INTO pipeline_instances (component, instance, host, started_at, updated_at) VALUES (?, ?, ?, ?, ?)'
const BATCH_ROWS = 100 // rows of one partition per unlogged batch

/** `client` must be connected to the pipeline's keyspace. The first flush runs after intervalMs. */
export function startCounterWriter(client: cassandra.Client, tally: PipelineTally, opts: CounterWriterOptions): CounterWriter {
  const now = opts.now ?? Date.now
  const startedAt = new Date(now())
  const instance = opts.instance ?? `${hostname()}-${process.pid}-${startedAt.getTime()}`
  let chain: Promise<void> = Promise.resolve()

  const writeOnce = async (): Promise<void> => {
    const rows = tally.takeDirty()
    const at = new Date(now())
    try {
      for (let i = 0; i < rows.length; i += BATCH_ROWS) {
        const batch = rows.slice(i, i + BATCH_ROWS).map(([d, c, v]) => ({ query: UPSERT, params: [opts.component, instance, d, c, cassandra.types.Long.fromNumber(v), at] }))
        await client.batch(batch, { prepare: true, logged: false })
      }
      await client.execute(INSTANCE, [opts.component, instance, hostname(), startedAt, at], { prepare: true })
    } catch (err) {
      tally.markDirty(rows)
      throw err
    }
  }
  // Flushes are serialised so an older snapshot never overwrites a newer one.
  const flush = (): Promise<void> => (chain = chain.catch(() => {}).then(writeOnce))
  // A tick while a flush is still running (Cassandra slow or down: driver timeouts exceed the
  // period) is skipped, so flushes never pile up; the rows stay dirty for the next one.
  let busy = false
  const timer = setInterval(() => {
    if (busy) return
    busy = true
    flush()
      .catch((err) => opts.onError?.(err))
      .finally(() => (busy = false))
  }, opts.intervalMs ?? 5_000)
  timer.unref()
  return {
    instance,
    flush,
    close: async () => {
      clearInterval(timer)
      await flush()
    },
    stop: () => clearInterval(timer),
  }
}
