// Everything the processor makes durable in Cassandra: prepared statements (the client default),
// every one idempotent (isIdempotent: true, so the driver may retry and speculate — B.7), keys that
// are deterministic functions of the data, writes bounded by one instance-wide limiter, retriable
// failures retried with backoff. No now() / uuid() in CQL: a retry writes the same cells.
import cassandra from 'cassandra-driver'
import { anomalyId, type Anomaly } from '../anomalies/types.ts'
import type { DeviceRow, Effects, LateReading, RawRow, WindowRow } from '../consume/effects.ts'
import { ProcError, isRetriable } from '../errors.ts'
import { addValue, emptyStats, mergeStats, stddevOf, type Stats } from '../windows/aggregate.ts'
import { utcDay, windowKeyString, type WindowKey } from '../windows/tumbling-window.ts'
import { Limiter } from './limiter.ts'
import { everyNodeHoldsEveryPartition } from './replication-scope.ts'
import { withRetry, type RetryOptions } from './retry.ts'
import { DEFAULT_BATCH_LIMITS, packWrites, type BatchLimits, type Write } from './write-batches.ts'

export interface StoreOptions {
  /** raw row TTL in seconds; 0 = the table's default_time_to_live */
  rawTtlS: number
  concurrency: number
  retry: RetryOptions
  /** how rows are packed into requests (write-batches.ts); default DEFAULT_BATCH_LIMITS */
  batch?: BatchLimits
}

export interface Checkpoint {
  nextOffset: string
  state: Buffer
}

const { unset } = cassandra.types
const Long = cassandra.types.Long
const W = { prepare: true, isIdempotent: true } as const
// Unlogged: the rows are idempotent upserts, so a batch retried or half-applied converges like
// single writes do; the batch log would only add a second write of everything.
const B = { prepare: true, isIdempotent: true, logged: false } as const
const num = (x: number): number | typeof unset => (Number.isFinite(x) ? x : unset)
const ts = (x: number): Date | typeof unset => (Number.isFinite(x) ? new Date(x) : unset)
// Every row of a batch falls on one or two UTC days: keep the last day's LocalDate instead of
// formatting and parsing a date string per row (it showed in the processor's profile).
const dayNumber = (ms: number): number => Math.floor(ms / 86_400_000)
let lastDay = NaN
let lastLocalDate: cassandra.types.LocalDate | undefined
const dayOf = (ms: number): cassandra.types.LocalDate => {
  const d = dayNumber(ms)
  if (d !== lastDay || !lastLocalDate) {
    lastLocalDate = cassandra.types.LocalDate.fromString(utcDay(ms))
    lastDay = d
  }
  return lastLocalDate
}

/**
 * One raw reading: typed key columns plus the canonical reading as JSON in one text cell
 * (cql/003: Cassandra's work follows cells; readers decode with api/store/raw-reading-row.ts).
 * The Cassandra benchmarks (bench/cassandra-*.ts) write it too.
 */
export const RAW_READING_INSERT = `INSERT INTO readings_raw (device_id, day, event_time, boot, seq, reading) VALUES (?, ?, ?, ?, ?, ?)`

const Q = {
  raw: RAW_READING_INSERT,
  window: `INSERT INTO window_aggregates (device_id, window_size, day, window_start, metric, count, min, max, mean, stddev, first_event, last_event, expected_count, completeness, late_count, base_count, base_mean, base_m2, base_min, base_max, base_first, base_last, invalid_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  late: `INSERT INTO late_readings (device_id, window_size, window_start, metric, boot, seq, value, event_time) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  base: `SELECT base_count, base_mean, base_m2, base_min, base_max, base_first, base_last, expected_count FROM window_aggregates WHERE device_id = ? AND window_size = ? AND day = ? AND window_start = ? AND metric = ?`,
  lateAll: `SELECT value, event_time FROM late_readings WHERE device_id = ? AND window_size = ? AND window_start = ? AND metric = ?`,
  corrected: `INSERT INTO window_aggregates (device_id, window_size, day, window_start, metric, count, min, max, mean, stddev, first_event, last_event, completeness, late_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  anomaly: `INSERT INTO anomalies (device_id, day, opened_at, anomaly_id, kind, metric, severity, value, threshold, closed_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  device: `INSERT INTO devices (device_id, sensor, dialect, site, status, first_seen, last_seen, reporting_interval_ms, boot, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  deviceStatus: `UPDATE devices SET status = ? WHERE device_id = ?`,
  anomaliesOfDay: `SELECT opened_at, kind, metric, severity, value, threshold, closed_at, detail FROM anomalies WHERE device_id = ? AND day = ?`,
  ckptLoad: `SELECT next_offset, state FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition = ?`,
  ckptSave: `INSERT INTO processor_checkpoints (group_id, topic, partition, next_offset, state, instance, written_at) VALUES (?, ?, ?, ?, ?, ?, ?) USING TIMESTAMP ?`,
}

export class CassandraStore {
  readonly client: cassandra.Client
  readonly #o: StoreOptions
  readonly #limiter: Limiter
  readonly #rawQuery: string
  readonly #batch: BatchLimits
  /** rows written (a batch counts its rows) */
  writes = 0
  /** Cassandra requests made for them */
  requests = 0

  constructor(client: cassandra.Client, opts: StoreOptions) {
    this.client = client
    this.#o = opts
    this.#limiter = new Limiter(opts.concurrency)
    this.#batch = opts.batch ?? DEFAULT_BATCH_LIMITS
    this.#rawQuery = opts.rawTtlS > 0 ? `${Q.raw} USING TTL ${Math.floor(opts.rawTtlS)}` : Q.raw
  }

  get inFlight(): number {
    return this.#limiter.active
  }

  async #exec(query: string, params: unknown[]): Promise<cassandra.types.ResultSet> {
    return this.#request(1, () => this.client.execute(query, params, W))
  }

  /** One request (a statement or a batch of `rows` rows): bounded, retried, errors classified. */
  async #request<T>(rows: number, send: () => Promise<T>): Promise<T> {
    return this.#limiter.run(() =>
      withRetry(async () => {
        const rs = await send()
        this.writes += rows
        this.requests++
        return rs
      }, this.#o.retry).catch((err: unknown) => {
        throw new ProcError(isRetriable(err) ? 'PROC_ERR_STORE_UNAVAILABLE' : 'PROC_ERR_STORE_WRITE', `Cassandra: ${(err as Error).message}`, {
          cause: err,
          retriable: isRetriable(err),
        })
      }),
    )
  }

  /** Rows packed into batches (write-batches.ts); partitions are combined only where that is safe. */
  #writeAll(writes: Write[]): Array<Promise<unknown>> {
    const limits = everyNodeHoldsEveryPartition(this.client, this.client.keyspace) ? this.#batch : { ...this.#batch, maxPartitions: 1 }
    return packWrites(writes, limits).map((b) => {
      if (b.length === 1) return this.#exec((b[0] as Write).query, (b[0] as Write).params)
      return this.#request(b.length, () => this.client.batch(b.map((w) => ({ query: w.query, params: w.params })), B))
    })
  }

  /** Makes every effect durable. Window bases are written before the corrections that read them. */
  async apply(fx: Effects): Promise<void> {
    const writes: Write[] = []
    for (const r of fx.raw) writes.push({ query: this.#rawQuery, params: rawParams(r), partition: `r|${r.deviceId}|${dayNumber(r.eventTime)}` })
    for (const w of fx.windows.values()) writes.push({ query: Q.window, params: windowParams(w), partition: `w|${w.key.deviceId}|${w.key.sizeMs}|${dayNumber(w.key.start)}` })
    for (const a of fx.anomalies.values()) writes.push({ query: Q.anomaly, params: anomalyParams(a), partition: `a|${a.deviceId}|${dayNumber(a.openedAt)}` })
    for (const d of fx.devices.values()) writes.push({ query: Q.device, params: deviceParams(d), partition: `d|${d.deviceId}` })
    await settleAll(this.#writeAll(writes))
    if (fx.late.length === 0) return
    const byWindow = new Map<string, LateReading[]>()
    for (const l of fx.late) {
      const k = windowKeyString(l.key)
      byWindow.set(k, [...(byWindow.get(k) ?? []), l])
    }
    await settleAll([...byWindow.values()].map((list) => this.#correct(list)))
  }

  /** Adds late readings to their window's set, then recomputes the row from base ⊕ the whole set. */
  async #correct(list: LateReading[]): Promise<void> {
    const k = (list[0] as LateReading).key
    const start = new Date(k.start)
    await settleAll(list.map((l) => this.#exec(Q.late, [k.deviceId, k.sizeMs, start, k.metric, l.boot, Long.fromNumber(l.seq), l.value, new Date(l.eventTime)])))
    const [baseRs, lateRs] = await Promise.all([
      this.#exec(Q.base, [k.deviceId, k.sizeMs, dayOf(k.start), start, k.metric]),
      this.#exec(Q.lateAll, [k.deviceId, k.sizeMs, start, k.metric]),
    ])
    const b = baseRs.first()
    const base: Stats = emptyStats()
    if (b && typeof b.get('base_count') === 'number' && (b.get('base_count') as number) > 0) {
      Object.assign(base, {
        count: b.get('base_count'),
        mean: b.get('base_mean'),
        m2: b.get('base_m2'),
        min: b.get('base_min'),
        max: b.get('base_max'),
        firstEvent: (b.get('base_first') as Date).getTime(),
        lastEvent: (b.get('base_last') as Date).getTime(),
      })
    }
    const late = emptyStats()
    for (const row of lateRs.rows) addValue(late, row.get('value') as number, (row.get('event_time') as Date).getTime())
    const s = mergeStats(base, late)
    const expected = b?.get('expected_count') as number | null | undefined
    await this.#exec(Q.corrected, [
      k.deviceId, k.sizeMs, dayOf(k.start), start, k.metric, s.count, num(s.min), num(s.max), num(s.mean), stddevOf(s), ts(s.firstEvent), ts(s.lastEvent),
      expected ? Math.min(1, s.count / expected) : unset, lateRs.rowLength,
    ])
  }

  /** Device events: offline anomalies and the registry status, outside the readings path. */
  async writeAnomaly(a: Anomaly): Promise<void> {
    await this.#exec(Q.anomaly, anomalyParams(a))
  }

  async setDeviceStatus(deviceId: string, status: 'online' | 'offline'): Promise<void> {
    await this.#exec(Q.deviceStatus, [status, deviceId])
  }

  /** The latest still-open anomaly of a kind opened on the UTC day of `before` or the day before. */
  async findOpenAnomaly(deviceId: string, kind: Anomaly['kind'], before: number): Promise<Anomaly | null> {
    for (const day of [before, before - 86_400_000]) {
      const rs = await this.#exec(Q.anomaliesOfDay, [deviceId, dayOf(day)])
      const row = rs.rows.find((r) => r.get('kind') === kind && r.get('closed_at') === null && (r.get('opened_at') as Date).getTime() <= before)
      if (row) {
        return {
          deviceId,
          kind,
          metric: row.get('metric') as string,
          severity: row.get('severity') as Anomaly['severity'],
          openedAt: (row.get('opened_at') as Date).getTime(),
          value: (row.get('value') as number | null) ?? NaN,
          threshold: (row.get('threshold') as number | null) ?? NaN,
          detail: (row.get('detail') as string | null) ?? '',
        }
      }
    }
    return null
  }

  async loadCheckpoint(groupId: string, topic: string, partition: number): Promise<Checkpoint | null> {
    const rs = await this.#exec(Q.ckptLoad, [groupId, topic, partition])
    const row = rs.first()
    if (!row) return null
    return { nextOffset: (row.get('next_offset') as cassandra.types.Long).toString(), state: row.get('state') as Buffer }
  }

  async saveCheckpoint(groupId: string, topic: string, partition: number, nextOffset: string, state: Buffer, instance: string): Promise<void> {
    const off = Long.fromString(nextOffset)
    await this.#exec(Q.ckptSave, [groupId, topic, partition, off, state, instance, new Date(), off])
  }

  async ping(): Promise<void> {
    await this.client.execute('SELECT release_version FROM system.local', [], { prepare: true, isIdempotent: true })
  }
}

/** Waits for every job (so none is left running unobserved), then throws the first failure. */
async function settleAll(jobs: Array<Promise<unknown>>): Promise<void> {
  const results = await Promise.allSettled(jobs)
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
}

/** Params of RAW_READING_INSERT; exported for the Cassandra benchmarks (bench/cassandra-*.ts). */
export function rawParams(r: RawRow): unknown[] {
  return [r.deviceId, dayOf(r.eventTime), new Date(r.eventTime), r.boot, Long.fromNumber(r.seq), r.json]
}

function windowParams(w: WindowRow): unknown[] {
  const k: WindowKey = w.key
  const s = w.stats
  const has = s.count > 0
  return [
    k.deviceId, k.sizeMs, dayOf(k.start), new Date(k.start), k.metric, s.count, has ? s.min : unset, has ? s.max : unset, has ? s.mean : unset, has ? stddevOf(s) : unset,
    has ? new Date(s.firstEvent) : unset, has ? new Date(s.lastEvent) : unset, w.expectedCount ?? unset, w.expectedCount ? Math.min(1, s.count / w.expectedCount) : unset, 0,
    s.count, has ? s.mean : unset, has ? s.m2 : unset, has ? s.min : unset, has ? s.max : unset, has ? new Date(s.firstEvent) : unset, has ? new Date(s.lastEvent) : unset,
    w.invalidCount,
  ]
}

function anomalyParams(a: Anomaly): unknown[] {
  return [
    a.deviceId, dayOf(a.openedAt), new Date(a.openedAt), anomalyId(a), a.kind, a.metric, a.severity, num(a.value), num(a.threshold),
    a.closedAt === undefined ? unset : new Date(a.closedAt), a.detail,
  ]
}

function deviceParams(d: DeviceRow): unknown[] {
  return [
    d.deviceId, d.sensor, d.dialect, d.site ?? unset, d.status, new Date(d.firstSeen), new Date(d.lastSeen), d.reportingIntervalMs ?? unset, d.boot, Long.fromNumber(d.lastSeq),
  ]
}
