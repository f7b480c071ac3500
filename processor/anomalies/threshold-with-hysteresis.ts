// Threshold with hysteresis: opens after `openAfter` consecutive readings strictly beyond the limit
// (value > high or value < low; a value exactly at the limit is not a breach), and closes only after
// `closeAfter` consecutive readings back inside by at least `hysteresis` (value <= high − hysteresis
// and value >= low + hysteresis). A single noisy reading therefore neither opens nor closes it.
export interface ThresholdRule {
  high?: number
  low?: number
  hysteresis: number
  openAfter: number
  closeAfter: number
  severity: 'info' | 'warning' | 'critical'
}

export interface ThresholdState {
  open: { side: 'high' | 'low'; openedAt: number } | null
  /** consecutive readings counting towards the next transition, and when the run began */
  run: number
  runStart: number
  runSide: 'high' | 'low' | null
}

export const newThresholdState = (): ThresholdState => ({ open: null, run: 0, runStart: 0, runSide: null })

export type ThresholdStep =
  | { event: 'open'; side: 'high' | 'low'; openedAt: number; limit: number }
  | { event: 'close'; side: 'high' | 'low'; openedAt: number; closedAt: number; limit: number }
  | null

const breachSide = (r: ThresholdRule, v: number): 'high' | 'low' | null =>
  r.high !== undefined && v > r.high ? 'high' : r.low !== undefined && v < r.low ? 'low' : null

export function thresholdStep(rule: ThresholdRule, s: ThresholdState, value: number, t: number): ThresholdStep {
  if (!s.open) {
    const side = breachSide(rule, value)
    if (!side) {
      s.run = 0
      s.runSide = null
      return null
    }
    if (s.runSide !== side) {
      s.runSide = side
      s.run = 0
      s.runStart = t
    }
    s.run++
    if (s.run < rule.openAfter) return null
    s.open = { side, openedAt: s.runStart }
    s.run = 0
    s.runSide = null
    return { event: 'open', side, openedAt: s.open.openedAt, limit: (side === 'high' ? rule.high : rule.low) as number }
  }
  const { side, openedAt } = s.open
  const limit = (side === 'high' ? rule.high : rule.low) ?? NaN
  const cleared = side === 'high' ? value <= limit - rule.hysteresis : value >= limit + rule.hysteresis
  if (!cleared) {
    s.run = 0
    return null
  }
  s.run++
  if (s.run < rule.closeAfter) return null
  s.open = null
  s.run = 0
  return { event: 'close', side, openedAt, closedAt: t, limit }
}
