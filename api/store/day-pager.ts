// Time-bucketed tables (readings_raw, window_aggregates, anomalies) put one UTC day in each
// partition. A page walks the days of the range in order and, inside a day, follows Cassandra's
// paging state; the cursor is (day index, paging state), so no page ever re-reads a row.
import cassandra from 'cassandra-driver'
import type { Page } from './db.ts'

export const DAY_MS = 86_400_000

/** UTC days ('YYYY-MM-DD') touched by [from, to), ascending. */
export function utcDays(from: number, to: number): string[] {
  const out: string[] = []
  for (let d = Math.floor(from / DAY_MS) * DAY_MS; d < to; d += DAY_MS) out.push(new Date(d).toISOString().slice(0, 10))
  return out
}

export const localDate = (day: string): cassandra.types.LocalDate => cassandra.types.LocalDate.fromString(day)

export interface DayPosition {
  day?: number
  page?: string
}

export interface DayPage<R> {
  rows: R[]
  /** where the next page starts; absent when the range is exhausted */
  next?: { day: number; page?: string }
}

export async function pageAcrossDays<R>(
  days: readonly string[],
  limit: number,
  start: DayPosition,
  fetch: (day: string, fetchSize: number, pageState?: string) => Promise<Page>,
  map: (row: cassandra.types.Row) => R,
): Promise<DayPage<R>> {
  const rows: R[] = []
  let d = start.day ?? 0
  let ps = start.page
  while (d < days.length && rows.length < limit) {
    const res = await fetch(days[d] as string, limit - rows.length, ps)
    for (const r of res.rows) rows.push(map(r))
    if (res.pageState) {
      ps = res.pageState
      if (rows.length >= limit) return { rows, next: { day: d, page: ps } }
      continue
    }
    d++
    ps = undefined
  }
  return d < days.length ? { rows, next: { day: d } } : { rows }
}
