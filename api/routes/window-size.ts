import { AppError } from '../errors.ts'

const UNIT_S: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400 }

/** "60", "60s", "1m", "1h", "1d" → seconds (window_size is stored in seconds). */
export function parseWindowSize(raw: string): number {
  const m = /^([1-9][0-9]{0,6})(s|m|h|d)?$/.exec(raw)
  const s = m ? Number(m[1]) * (UNIT_S[m[2] ?? 's'] ?? 1) : Number.NaN
  if (!Number.isSafeInteger(s) || s > 31 * 86_400) throw new AppError('API_ERR_BAD_PARAMS', `size must be seconds or 60s/1m/1h/1d up to 31d, got "${raw}"`)
  return s
}
