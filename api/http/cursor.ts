// Opaque paging cursors: base64url JSON holding where the next page starts (the day partition and
// Cassandra's paging state, or a keyset position) plus the query it belongs to. Clients must not
// build or edit them; a cursor reused with another device, size or range is refused (400), and a
// paging state Cassandra rejects is reported the same way.
import { AppError } from '../errors.ts'
import { parseTime, resolveRange, type RangeRule, type TimeRange } from './time-range.ts'

export interface CursorState {
  /** which query this cursor continues: route, device, size */
  key: string
  /** the resolved range of the first page, so "to=now" does not drift between pages */
  from: number
  to: number
  /** index of the day partition to continue in */
  day?: number
  /** Cassandra paging state (hex) inside that partition */
  page?: string
  /** keyset position: the last item returned (time ms, id) */
  after?: [number, string]
}

export function encodeCursor(s: CursorState): string {
  return Buffer.from(JSON.stringify({ v: 1, ...s })).toString('base64url')
}

const bad = (why: string): AppError => new AppError('API_ERR_BAD_CURSOR', `cursor ${why}; start again without cursor`)

export function decodeCursor(raw: string, key: string): CursorState {
  let o: Record<string, unknown>
  try {
    o = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8')) as Record<string, unknown>
  } catch {
    throw bad('is not one this API issued')
  }
  if (!o || typeof o !== 'object' || o.v !== 1 || typeof o.key !== 'string' || typeof o.from !== 'number' || typeof o.to !== 'number') {
    throw bad('is not one this API issued')
  }
  if (o.key !== key) throw bad('belongs to another query (device, route or size differ)')
  if (o.day !== undefined && (!Number.isInteger(o.day) || (o.day as number) < 0)) throw bad('is damaged')
  if (o.page !== undefined && (typeof o.page !== 'string' || !/^[0-9a-f]{2,4096}$/.test(o.page))) throw bad('is damaged')
  const a = o.after
  if (a !== undefined && !(Array.isArray(a) && a.length === 2 && typeof a[0] === 'number' && typeof a[1] === 'string')) throw bad('is damaged')
  const s: CursorState = { key, from: o.from, to: o.to }
  if (o.day !== undefined) s.day = o.day as number
  if (o.page !== undefined) s.page = o.page as string
  if (a !== undefined) s.after = a as [number, string]
  return s
}

/**
 * The range of a paged request: from a cursor when there is one (a from/to also given must match
 * it), otherwise resolved from the query with the route's cap.
 */
export function pagedRange(
  q: { from?: string | undefined; to?: string | undefined; cursor?: string | undefined },
  rule: RangeRule,
  now: number,
  key: string,
): { range: TimeRange; cursor?: CursorState } {
  if (q.cursor === undefined) return { range: resolveRange(q, rule, now) }
  const c = decodeCursor(q.cursor, key)
  if ((q.from !== undefined && parseTime('from', q.from) !== c.from) || (q.to !== undefined && parseTime('to', q.to) !== c.to)) {
    throw bad('was issued for another from/to')
  }
  if (c.to - c.from > rule.maxMs || c.from >= c.to) throw bad('is damaged')
  return { range: { from: c.from, to: c.to }, cursor: c }
}
