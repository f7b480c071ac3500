// Anomalies (cql/001 `anomalies`, partition (device_id, day of opening), newest first). Paging is
// by keyset — (openedAt, deviceId/anomalyId) of the last item — because a fleet-wide page merges
// many partitions, which a single Cassandra paging state cannot describe.
import type cassandra from 'cassandra-driver'
import type { Anomaly } from '../schemas/anomaly.ts'
import type { Db } from './db.ts'
import { localDate, utcDays } from './day-pager.ts'
import { mapLimit } from './map-limit.ts'
import { iso, isoOrNull, numOrNull, strOrNull } from './row-values.ts'

const Q =
  'SELECT device_id, anomaly_id, opened_at, closed_at, kind, metric, severity, value, threshold, detail FROM anomalies ' +
  'WHERE device_id = ? AND day = ? AND opened_at >= ? AND opened_at < ?'

export type AnomalyStatus = 'open' | 'closed' | 'all'
export type KeysetPosition = [number, string]

export function toAnomaly(r: cassandra.types.Row): Anomaly {
  return {
    deviceId: r.get('device_id') as string,
    anomalyId: r.get('anomaly_id') as string,
    openedAt: iso(r.get('opened_at')),
    closedAt: isoOrNull(r.get('closed_at')),
    kind: strOrNull(r.get('kind')),
    metric: strOrNull(r.get('metric')),
    severity: strOrNull(r.get('severity')),
    value: numOrNull(r.get('value')),
    threshold: numOrNull(r.get('threshold')),
    detail: strOrNull(r.get('detail')),
  }
}

const keyOf = (a: Anomaly): KeysetPosition => [Date.parse(a.openedAt), `${a.deviceId}/${a.anomalyId}`]

/** Newest first; ties broken by deviceId/anomalyId ascending. */
function before(a: KeysetPosition, b: KeysetPosition): boolean {
  return a[0] !== b[0] ? a[0] > b[0] : a[1] < b[1]
}

export interface AnomalyQuery {
  deviceIds: readonly string[]
  from: number
  to: number
  status: AnomalyStatus
  limit: number
  after?: KeysetPosition
}

async function forDevice(db: Db, id: string, q: AnomalyQuery, want: number): Promise<Anomaly[]> {
  const upper = new Date(q.after ? Math.min(q.to, q.after[0] + 1) : q.to)
  const lower = new Date(q.from)
  const out: Anomaly[] = []
  for (const day of utcDays(q.from, upper.getTime()).reverse()) {
    let pageState: string | undefined
    do {
      const page = await db.run(Q, [id, localDate(day), lower, upper], pageState === undefined ? { fetchSize: want } : { fetchSize: want, pageState })
      for (const r of page.rows) {
        const a = toAnomaly(r)
        if (q.after && !before(q.after, keyOf(a))) continue
        if (q.status === 'open' && a.closedAt !== null) continue
        if (q.status === 'closed' && a.closedAt === null) continue
        out.push(a)
      }
      pageState = page.pageState
    } while (pageState && out.length < want)
    if (out.length >= want) break
  }
  return out
}

export async function readAnomalies(db: Db, q: AnomalyQuery): Promise<{ items: Anomaly[]; after?: KeysetPosition }> {
  const perDevice = await mapLimit(q.deviceIds, 8, (id) => forDevice(db, id, q, q.limit + 1))
  const all = perDevice.flat().sort((a, b) => (before(keyOf(a), keyOf(b)) ? -1 : 1))
  const items = all.slice(0, q.limit)
  const last = items.at(-1)
  return all.length > q.limit && last ? { items, after: keyOf(last) } : { items }
}
