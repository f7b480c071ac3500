// Streaming statistics of one window and metric: count, min, max, mean and population standard
// deviation by Welford's update (numerically stable, no catastrophic cancellation of Σx² − n·mean²),
// and Chan et al.'s parallel merge for a stored base plus late corrections.
export interface Stats {
  count: number
  mean: number
  /** Σ (x − mean)² */
  m2: number
  min: number
  max: number
  /** epoch ms of the earliest and latest event time seen */
  firstEvent: number
  lastEvent: number
}

export const emptyStats = (): Stats => ({ count: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, firstEvent: Infinity, lastEvent: -Infinity })

export function addValue(s: Stats, x: number, eventTime: number): void {
  s.count++
  const d = x - s.mean
  s.mean += d / s.count
  s.m2 += d * (x - s.mean)
  if (x < s.min) s.min = x
  if (x > s.max) s.max = x
  if (eventTime < s.firstEvent) s.firstEvent = eventTime
  if (eventTime > s.lastEvent) s.lastEvent = eventTime
}

/** a ⊕ b without touching either (Chan, Golub, LeVeque 1979). */
export function mergeStats(a: Stats, b: Stats): Stats {
  if (a.count === 0) return { ...b }
  if (b.count === 0) return { ...a }
  const n = a.count + b.count
  const d = b.mean - a.mean
  return {
    count: n,
    mean: a.mean + (d * b.count) / n,
    m2: a.m2 + b.m2 + (d * d * a.count * b.count) / n,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    firstEvent: Math.min(a.firstEvent, b.firstEvent),
    lastEvent: Math.max(a.lastEvent, b.lastEvent),
  }
}

/** Population standard deviation (divides by n; 0 for a single reading). */
export const stddevOf = (s: Stats): number => (s.count > 0 ? Math.sqrt(Math.max(0, s.m2) / s.count) : 0)
