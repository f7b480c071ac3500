// Silence: a device whose last reading is more than `afterMs` of event time behind its partition's
// watermark (which moves on by the wall time elapsed while the partition is idle) has stopped
// reporting. The anomaly opens at lastEventTime + afterMs (deterministic) and closes at its next
// reading.
export interface SilenceState {
  lastEventTime: number
  openedAt: number | null
}

export type SilenceStep = { event: 'open'; openedAt: number } | { event: 'close'; openedAt: number; closedAt: number } | null

export function silenceCheck(s: SilenceState, watermark: number, afterMs: number): SilenceStep {
  if (s.openedAt !== null || s.lastEventTime === -Infinity) return null
  if (watermark - s.lastEventTime <= afterMs) return null
  s.openedAt = s.lastEventTime + afterMs
  return { event: 'open', openedAt: s.openedAt }
}

export function silenceSeen(s: SilenceState, eventTime: number): SilenceStep {
  if (eventTime > s.lastEventTime) s.lastEventTime = eventTime
  if (s.openedAt === null || eventTime < s.openedAt) return null
  const openedAt = s.openedAt
  s.openedAt = null
  return { event: 'close', openedAt, closedAt: eventTime }
}
