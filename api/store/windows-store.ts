// Window aggregates (cql/001 `window_aggregates`, partition (device_id, window_size, day)).
// The API speaks seconds (size=60, 1m, sizeSeconds); the processor stores window_size in
// milliseconds (processor/README.md), so sizes are converted here, at the storage boundary only.
import type cassandra from 'cassandra-driver'
import type { WindowRow } from '../schemas/window.ts'
import type { Db } from './db.ts'
import { localDate, pageAcrossDays, utcDays, type DayPage, type DayPosition } from './day-pager.ts'
import { iso, isoOrNull, numOrNull } from './row-values.ts'

/** window_size as stored by the processor: milliseconds. */
export const storedWindowSize = (seconds: number): number => seconds * 1000

export const WINDOW_COLUMNS =
  'window_start, metric, count, min, max, mean, stddev, first_event, last_event, expected_count, completeness, late_count'

// Reverse of the clustering order is allowed inside one partition: oldest first, as charts want.
const WHERE = 'WHERE device_id = ? AND window_size = ? AND day = ? AND window_start >= ? AND window_start < ?'
const Q = `SELECT ${WINDOW_COLUMNS} FROM window_aggregates ${WHERE} ORDER BY window_start ASC, metric DESC`
// One metric: `metric` follows the window_start range in the clustering key, so Cassandra can only
// filter it. ALLOW FILTERING is bounded here — the partition key is fixed and the slice is the
// range the request asked for anyway — and dropping the other metrics on the server saves their
// transfer and the driver's decoding (4 metrics: a quarter of the rows reach Node).
const QM = `SELECT ${WINDOW_COLUMNS} FROM window_aggregates ${WHERE} AND metric = ? ORDER BY window_start ASC, metric DESC ALLOW FILTERING`

export function toWindow(r: cassandra.types.Row): WindowRow {
  return {
    windowStart: iso(r.get('window_start')),
    metric: r.get('metric') as string,
    count: numOrNull(r.get('count')),
    min: numOrNull(r.get('min')),
    max: numOrNull(r.get('max')),
    mean: numOrNull(r.get('mean')),
    stddev: numOrNull(r.get('stddev')),
    firstEvent: isoOrNull(r.get('first_event')),
    lastEvent: isoOrNull(r.get('last_event')),
    expectedCount: numOrNull(r.get('expected_count')),
    completeness: numOrNull(r.get('completeness')),
    lateCount: numOrNull(r.get('late_count')),
  }
}

/** Windows of [from, to), oldest first; only `metric` when given. */
export function readWindows(
  db: Db,
  deviceId: string,
  sizeS: number,
  from: number,
  to: number,
  limit: number,
  start: DayPosition,
  metric?: string,
): Promise<DayPage<WindowRow>> {
  const f = new Date(from)
  const t = new Date(to)
  const q = metric === undefined ? Q : QM
  return pageAcrossDays(
    utcDays(from, to),
    limit,
    start,
    (day, fetchSize, pageState) => {
      const params: unknown[] = [deviceId, storedWindowSize(sizeS), localDate(day), f, t]
      if (metric !== undefined) params.push(metric)
      return db.run(q, params, pageState === undefined ? { fetchSize } : { fetchSize, pageState })
    },
    toWindow,
    { concurrentDays: true },
  )
}
