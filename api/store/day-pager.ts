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

export interface PagerOptions {
  /**
   * Ask for the next day's first page while the current day is read (at most 2 queries in flight).
   * It saves a round trip per day boundary when a page spans days (a 24 h range always touches 2),
   * and costs one discarded query when the current day alone fills the page: use it where pages
   * usually hold the whole range (windows), not for small pages (readings).
   */
  concurrentDays?: boolean
}

const ignore = (): void => {}

export async function pageAcrossDays<R>(
  days: readonly string[],
  limit: number,
  start: DayPosition,
  fetch: (day: string, fetchSize: number, pageState?: string) => Promise<Page>,
  map: (row: cassandra.types.Row) => R,
  opts: PagerOptions = {},
): Promise<DayPage<R>> {
  const rows: R[] = []
  let d = start.day ?? 0
  let ps = start.page
  let ahead: { day: number; page: Promise<Page> } | undefined
  while (d < days.length && rows.length < limit) {
    const want = limit - rows.length
    let pending: Promise<Page> | undefined
    if (ahead?.day === d && ps === undefined) {
      // Asked for `limit - rows so far at the time`, which may be more than `want`: usable only
      // when the whole day came back within `want` (else its paging state would not match the cut).
      const early = await ahead.page
      if (!early.pageState && early.rows.length <= want) pending = Promise.resolve(early)
    }
    pending ??= fetch(days[d] as string, want, ps)
    if (ahead?.day === d) ahead = undefined
    if (opts.concurrentDays && ahead === undefined && d + 1 < days.length) {
      ahead = { day: d + 1, page: fetch(days[d + 1] as string, want) }
      ahead.page.catch(ignore) // a discarded read-ahead must not become an unhandled rejection
    }
    const res = await pending
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
