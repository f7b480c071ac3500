// Rate of change between consecutive readings of a metric (in event-time order; a reading older
// than the last one is skipped). Opens when |Δv| per minute > maxPerMinute, closes at the first
// reading whose rate is back at or under it.
export interface RateRule {
  maxPerMinute: number
  severity: 'info' | 'warning' | 'critical'
}

export interface RateState {
  lastT: number
  lastV: number
  openedAt: number | null
}

export const newRateState = (): RateState => ({ lastT: -Infinity, lastV: 0, openedAt: null })

export type RateStep = { event: 'open'; openedAt: number; rate: number } | { event: 'close'; openedAt: number; closedAt: number; rate: number } | null

export function rateStep(rule: RateRule, s: RateState, value: number, t: number): RateStep {
  if (t <= s.lastT) return null
  const first = s.lastT === -Infinity
  const rate = first ? 0 : (Math.abs(value - s.lastV) * 60_000) / (t - s.lastT)
  s.lastT = t
  s.lastV = value
  if (first) return null
  if (rate > rule.maxPerMinute && s.openedAt === null) {
    s.openedAt = t
    return { event: 'open', openedAt: t, rate }
  }
  if (rate <= rule.maxPerMinute && s.openedAt !== null) {
    const openedAt = s.openedAt
    s.openedAt = null
    return { event: 'close', openedAt, closedAt: t, rate }
  }
  return null
}
