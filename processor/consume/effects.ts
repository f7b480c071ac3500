// What processing a stretch of records asks the store to make durable. Keyed maps coalesce several
// writes of one row within a batch into the last one (rows are deterministic, so that is the value
// a replay would write too).
import type { DeadLetter } from '../../contracts/dead-letter.ts'
import type { Reading } from '../../contracts/reading.ts'
import type { Anomaly } from '../anomalies/types.ts'
import type { Stats } from '../windows/aggregate.ts'
import type { WindowKey } from '../windows/tumbling-window.ts'

export interface WindowRow {
  key: WindowKey
  /** on-time statistics when the watermark closed the window (the row's immutable base) */
  stats: Stats
  invalidCount: number
  expectedCount: number | null
}

/** A reading that arrived after its window closed; the store folds it into the stored row. */
export interface LateReading {
  key: WindowKey
  boot: number
  seq: number
  value: number
  eventTime: number
}

export interface DeviceRow {
  deviceId: string
  sensor: string
  dialect: string
  site: string | null
  status: 'online' | 'silent'
  firstSeen: number
  lastSeen: number
  reportingIntervalMs: number | null
  boot: number
  lastSeq: number
}

/**
 * One raw row (cql/003): the reading's key columns and its canonical JSON, the `reading` cell. The
 * processor stores the Kafka record's own text: it passed the Reading schema, which admits no
 * other property, so it parses to the very reading processed. Serialising every reading again was
 * ~5 % of the processor's CPU, and a row held back for seconds (raw-write-behind.ts) is then one
 * flat string instead of a parsed object graph the garbage collector has to trace.
 */
export interface RawRow {
  deviceId: string
  eventTime: number
  boot: number
  seq: number
  json: string
}

/** The raw row of a reading that did not arrive as text (tests, benchmarks). */
export const rawRowOf = (r: Reading, json = JSON.stringify(r)): RawRow => ({ deviceId: r.deviceId, eventTime: r.eventTime, boot: r.boot, seq: r.seq, json })

export class Effects {
  raw: RawRow[] = []
  windows = new Map<string, WindowRow>()
  late: LateReading[] = []
  /** the final state of each anomaly touched (one row each in Cassandra) */
  anomalies = new Map<string, Anomaly>()
  /**
   * Every opening and closing in order, for the anomalies topic: an anomaly that opens and closes
   * within one batch is two events there (subscribers alert on the opening), one row in the store.
   */
  anomalyEvents: Anomaly[] = []
  devices = new Map<string, DeviceRow>()
  dlq: DeadLetter[] = []

  get size(): number {
    return this.raw.length + this.windows.size + this.late.length + this.anomalies.size + this.devices.size + this.dlq.length
  }
}
