// Stuck sensor: a real sensor's output moves by at least its noise; `samples` consecutive readings
// whose spread (max − min) is <= epsilon are flatter than the noise allows. Opens at the first of
// those readings; closes at the first reading that widens the spread beyond epsilon.
export interface StuckRule {
  samples: number
  epsilon: number
  severity: 'info' | 'warning' | 'critical'
}

export interface StuckState {
  values: number[]
  times: number[]
  openedAt: number | null
}

export const newStuckState = (): StuckState => ({ values: [], times: [], openedAt: null })

export type StuckStep = { event: 'open'; openedAt: number; value: number } | { event: 'close'; openedAt: number; closedAt: number; value: number } | null

export function stuckStep(rule: StuckRule, s: StuckState, value: number, t: number): StuckStep {
  s.values.push(value)
  s.times.push(t)
  if (s.values.length > rule.samples) {
    s.values.shift()
    s.times.shift()
  }
  const flat = s.values.length === rule.samples && Math.max(...s.values) - Math.min(...s.values) <= rule.epsilon
  if (flat && s.openedAt === null) {
    s.openedAt = s.times[0] as number
    return { event: 'open', openedAt: s.openedAt, value }
  }
  if (!flat && s.openedAt !== null) {
    const openedAt = s.openedAt
    s.openedAt = null
    // keep only the reading that broke the run so a new run starts from it
    s.values = [value]
    s.times = [t]
    return { event: 'close', openedAt, closedAt: t, value }
  }
  return null
}
