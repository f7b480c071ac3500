// Raw readings (cql/001 `readings_raw`, partition (device_id, day), newest first).
import type cassandra from 'cassandra-driver'
import type { StoredReading } from '../schemas/reading.ts'
import type { Db } from './db.ts'
import { localDate, pageAcrossDays, utcDays, type DayPage, type DayPosition } from './day-pager.ts'
import { iso, isoOrNull, numOrNull, strOrNull } from './row-values.ts'

const Q =
  'SELECT device_id, event_time, boot, seq, received_at, time_source, sensor, dialect, metrics, battery, rssi FROM readings_raw ' +
  'WHERE device_id = ? AND day = ? AND event_time >= ? AND event_time < ?'

function toReading(r: cassandra.types.Row): StoredReading {
  const metrics = (r.get('metrics') as Record<string, number> | null) ?? {}
  return {
    deviceId: r.get('device_id') as string,
    eventTime: iso(r.get('event_time')),
    boot: numOrNull(r.get('boot')) ?? 0,
    seq: numOrNull(r.get('seq')) ?? 0,
    receivedAt: isoOrNull(r.get('received_at')),
    timeSource: strOrNull(r.get('time_source')),
    sensor: strOrNull(r.get('sensor')),
    dialect: strOrNull(r.get('dialect')),
    metrics,
    battery: numOrNull(r.get('battery')),
    rssi: numOrNull(r.get('rssi')),
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
