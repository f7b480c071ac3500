// Times are accepted as ISO-8601 or epoch ms (product contract); ranges are half-open [from, to)
// and capped per route so one request cannot ask Cassandra for months of rows.
import { AppError } from '../errors.ts'

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?)?$/
const MAX_TIME = 8.64e15 // the largest valid Date, ms

/** Epoch ms from "1763780400000" or "2026-11-22T03:00:00Z"; an ISO time without an offset is UTC. */
export function parseTime(name: string, raw: string): number {
  const s = raw.trim()
  let ms: number
  if (/^-?\d{1,16}$/.test(s)) ms = Number(s)
  else if (ISO.test(s)) ms = Date.parse(/T.*(Z|[+-]\d{2}:?\d{2})$/.test(s) || !s.includes('T') ? s : `${s}Z`)
  else ms = Number.NaN
  if (!Number.isFinite(ms) || ms < 0 || ms > MAX_TIME) {
    throw new AppError('API_ERR_BAD_TIME', `${name} must be ISO-8601 (2026-11-22T03:00:00Z) or epoch milliseconds, got "${raw.slice(0, 64)}"`)
  }
  return ms
}

export interface TimeRange {
  from: number
  to: number
}

export interface RangeRule {
  /** widest allowed to - from, ms */
  maxMs: number
  /** to - from when from is omitted, ms (itself capped by maxMs) */
  defaultMs: number
}

export function resolveRange(q: { from?: string | undefined; to?: string | undefined }, rule: RangeRule, now: number): TimeRange {
  const to = q.to === undefined ? now : parseTime('to', q.to)
  const from = q.from === undefined ? to - Math.min(rule.defaultMs, rule.maxMs) : parseTime('from', q.from)
  if (from >= to) throw new AppError('API_ERR_BAD_RANGE', `from (${new Date(from).toISOString()}) must be before to (${new Date(to).toISOString()})`)
  if (to - from > rule.maxMs) {
    throw new AppError('API_ERR_RANGE_TOO_LARGE', `range is ${Math.ceil((to - from) / 1000)} s; this route allows at most ${rule.maxMs / 1000} s — narrow from/to`)
  }
  return { from: Math.max(0, from), to }
}
