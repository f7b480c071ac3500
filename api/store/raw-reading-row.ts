// One row of `readings_raw` as readers see it (the API, and the tests' checkers), whichever layout
// wrote it. Since cql/003 the processor stores the canonical reading as JSON in `reading` beside
// the typed key columns (one cell instead of ~13: Cassandra's cost follows cells); rows written
// before that have the typed columns of cql/001 and live out their TTL. The key columns are typed
// in both and authoritative.
import type { Reading } from '../../contracts/reading.ts'
import { numOrNull as num, strOrNull as str } from './row-values.ts'

/** Every column a reader needs for either layout. */
export const RAW_READING_COLUMNS = 'device_id, event_time, boot, seq, reading, received_at, time_source, sensor, dialect, metrics, battery, rssi'

export interface StoredRawReading {
  deviceId: string
  /** epoch ms */
  eventTime: number
  boot: number
  seq: number
  /** epoch ms; null when not stored */
  receivedAt: number | null
  timeSource: string | null
  sensor: string | null
  dialect: string | null
  metrics: Record<string, number>
  battery: number | null
  rssi: number | null
}

/** Anything with the driver Row's `get(column)`. */
export interface RowLike {
  get(column: string): unknown
}

const ms = (v: unknown): number | null => (v instanceof Date ? v.getTime() : null)

/**
 * The stored reading of one row. A `reading` cell that does not parse as an object (written by
 * something else than the processor) yields the key columns with empty metrics and nulls: a
 * reader lists what is there instead of failing the whole page.
 */
export function storedRawReading(row: RowLike): StoredRawReading {
  const key = {
    deviceId: str(row.get('device_id')) ?? '',
    eventTime: ms(row.get('event_time')) ?? 0,
    boot: num(row.get('boot')) ?? 0,
    seq: num(row.get('seq')) ?? 0,
  }
  const text = row.get('reading')
  if (typeof text === 'string') {
    let r: Partial<Reading> | null = null
    try {
      const v: unknown = JSON.parse(text)
      if (v !== null && typeof v === 'object' && !Array.isArray(v)) r = v as Partial<Reading>
    } catch {
      r = null
    }
    return {
      ...key,
      receivedAt: num(r?.receivedAt),
      timeSource: str(r?.timeSource),
      sensor: str(r?.sensor),
      dialect: str(r?.dialect),
      metrics: r?.metrics !== null && typeof r?.metrics === 'object' ? r.metrics : {},
      battery: num(r?.battery),
      rssi: num(r?.rssi),
    }
  }
  return {
    ...key,
    receivedAt: ms(row.get('received_at')),
    timeSource: str(row.get('time_source')),
    sensor: str(row.get('sensor')),
    dialect: str(row.get('dialect')),
    metrics: (row.get('metrics') as Record<string, number> | null) ?? {},
    battery: num(row.get('battery')),
    rssi: num(row.get('rssi')),
  }
}
