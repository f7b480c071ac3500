// Raw readings (cql/001 `readings_raw`, partition (device_id, day), newest first), in either of
// the table's layouts (raw-reading-row.ts).
import { RAW_READING_COLUMNS, storedRawReading } from './raw-reading-row.ts'
import type cassandra from 'cassandra-driver'
import type { StoredReading } from '../schemas/reading.ts'
import type { Db } from './db.ts'
import { localDate, pageAcrossDays, utcDays, type DayPage, type DayPosition } from './day-pager.ts'

const Q = `SELECT ${RAW_READING_COLUMNS} FROM readings_raw WHERE device_id = ? AND day = ? AND event_time >= ? AND event_time < ?`

function toReading(row: cassandra.types.Row): StoredReading {
  const r = storedRawReading(row)
  return {
    deviceId: r.deviceId,
    eventTime: new Date(r.eventTime).toISOString(),
    boot: r.boot,
    seq: r.seq,
    receivedAt: r.receivedAt === null ? null : new Date(r.receivedAt).toISOString(),
    timeSource: r.timeSource,
    sensor: r.sensor,
    dialect: r.dialect,
    metrics: r.metrics,
    battery: r.battery,
    rssi: r.rssi,
  }
}

/** Newest first: days walked from `to` backwards, each partition in its clustering order. */
export function readReadings(db: Db, deviceId: string, from: number, to: number, limit: number, start: DayPosition): Promise<DayPage<StoredReading>> {
  const days = utcDays(from, to).reverse()
  const f = new Date(from)
  const t = new Date(to)
  return pageAcrossDays(
    days,
    limit,
    start,
    (day, fetchSize, pageState) => db.run(Q, [deviceId, localDate(day), f, t], pageState === undefined ? { fetchSize } : { fetchSize, pageState }),
    toReading,
  )
}
