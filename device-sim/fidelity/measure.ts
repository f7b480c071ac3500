// Measurements of a simulated profile against its datasheet figures, each from the model's own
// output (not its parameters): noise σ and quantisation from converted values, drift from a year
// of readings, failure rates from fault tags, minimum interval from fast polling.
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import { createRng } from '../random/prng.ts'
import { ChannelModel, drawUnit } from '../sensor/channel-model.ts'
import { SensorModel, type Truth } from '../sensor/sensor-model.ts'
import { meanSquare, slope, wilson } from './stats.ts'

const YEAR = 365.25 * 86_400_000
const typical: Truth = { temperature: 20, humidity: 50, pressure: 1000 }

export interface NoiseResult {
  /** σ after removing the quantisation variance q²/12 (Sheppard's correction) */
  sigma: number
  /** 95 % interval of sigma */
  lo: number
  hi: number
  /** mean residual², its standard error, and the value σ² + q²/12 the model should give */
  meanSquare: number
  se: number
  expectedMeanSquare: number
  samples: number
}

/**
 * Residual = reading − truth − the unit's known offset and drift. The true value is held per unit
 * at a random point inside a quantisation step, so the rounding error is uniform and independent
 * of the noise and var(residual) = σ² + q²/12 exactly.
 */
export function measureNoise(profile: FirmwareProfile, channel: number, samples: number, seed: number): NoiseResult {
  const ch = profile.channels[channel]
  if (!ch) throw new Error(`no channel ${channel}`)
  const rng = createRng(seed, 'fidelity-noise', profile.id, ch.metric)
  const q = ch.resolution.value
  const perUnit = 100
  const residuals = new Float64Array(samples)
  let k = 0
  while (k < samples) {
    const model = new ChannelModel(ch, drawUnit(ch, rng), 0)
    const truth = typical[ch.metric] + rng.uniform(0, q)
    for (let i = 0; i < perUnit && k < samples; i++, k++) {
      const t = i * 60_000
      residuals[k] = model.convert(t, truth, 0, rng) - truth - model.systematicAt(t)
    }
  }
  const ms = meanSquare(residuals)
  const v = Math.max(0, ms.value - (q * q) / 12)
  const sigma = Math.sqrt(v)
  const half = 1.96 * ms.se
  return {
    sigma,
    lo: Math.sqrt(Math.max(0, v - half)),
    hi: Math.sqrt(v + half),
    meanSquare: ms.value,
    se: ms.se,
    expectedMeanSquare: ch.noiseSigma.value ** 2 + (q * q) / 12,
    samples,
  }
}

/** Smallest gap between distinct converted values across many units and true values. */
export function measureQuantStep(profile: FirmwareProfile, channel: number, samples: number, seed: number): number {
  const ch = profile.channels[channel]
  if (!ch) throw new Error(`no channel ${channel}`)
  const rng = createRng(seed, 'fidelity-quant', profile.id, ch.metric)
  const seen = new Set<number>()
  for (let k = 0; k < samples; k++) {
    const model = new ChannelModel(ch, drawUnit(ch, rng), 0)
    seen.add(model.convert(0, typical[ch.metric] + rng.uniform(-1, 1), 0, rng))
  }
  const sorted = [...seen].sort((a, b) => a - b)
  let min = Number.POSITIVE_INFINITY
  for (let i = 1; i < sorted.length; i++) min = Math.min(min, (sorted[i] as number) - (sorted[i - 1] as number))
  return min
}

/** Mean |fitted drift| per year over units read for one simulated year at a constant true value. */
export function measureDrift(profile: FirmwareProfile, channel: number, samples: number, seed: number): { perYear: number; units: number } {
  const ch = profile.channels[channel]
  if (!ch) throw new Error(`no channel ${channel}`)
  const rng = createRng(seed, 'fidelity-drift', profile.id, ch.metric)
  const perUnit = 1000
  const units = Math.max(1, Math.floor(samples / perUnit))
  const x = new Float64Array(perUnit)
  const y = new Float64Array(perUnit)
  let sum = 0
  for (let u = 0; u < units; u++) {
    const model = new ChannelModel(ch, drawUnit(ch, rng), 0)
    const truth = typical[ch.metric]
    for (let i = 0; i < perUnit; i++) {
      const t = (i / (perUnit - 1)) * YEAR
      x[i] = t / YEAR
      y[i] = model.convert(t, truth, 0, rng) - truth
    }
    sum += Math.abs(slope(x, y))
  }
  return { perYear: sum / units, units }
}

export interface RateResult {
  tag: string
  count: number
  reads: number
  p: number
  lo: number
  hi: number
}

/**
 * Fault tags over `reads` reads at a benign constant truth; a lock-up is power-cycled at once.
 * Modes that last several reads (lock-up, sentinel runs) are counted by onset, since their rate is
 * the probability of starting; the others by tagged read.
 */
export function measureFailureRates(profile: FirmwareProfile, reads: number, seed: number): RateResult[] {
  const runTags = new Set(profile.failures.flatMap((f) => (f.kind === 'sentinel' && f.meanRunReads.value > 1 ? [f.name] : [])))
  let prevTag: string | null = null
  const sensor = new SensorModel(profile, createRng(seed, 'fidelity-unit', profile.id), createRng(seed, 'fidelity-fail', profile.id), 0)
  const interval = Math.max(profile.minIntervalMs.value, 60_000)
  const counts = new Map<string, number>()
  let prevLocked = false
  for (let i = 0; i < reads; i++) {
    const r = sensor.read(i * interval, typical)
    if (r.fault === 'lockup') {
      // count onsets only, then power-cycle so the rest of the run still measures the others
      if (!prevLocked) counts.set('lockup', (counts.get('lockup') ?? 0) + 1)
      prevLocked = true
      sensor.powerCycle()
      continue
    }
    prevLocked = false
    if (r.fault !== null && !(runTags.has(r.fault) && prevTag === r.fault)) counts.set(r.fault, (counts.get(r.fault) ?? 0) + 1)
    prevTag = r.fault
  }
  return [...counts.entries()].sort().map(([tag, count]) => ({ tag, count, reads, ...wilson(count, reads) }))
}

/** Polls 2000 times at a fifth of the minimum interval; returns the smallest gap between fresh conversions and what faster reads returned. */
export function measureMinInterval(profile: FirmwareProfile, seed: number): { minGapMs: number; fastReadReturns: string } {
  const pollMs = Math.max(1, Math.round(profile.minIntervalMs.value / 5))
  const sensor = new SensorModel(profile, createRng(seed, 'fidelity-unit', profile.id), createRng(seed, 'fidelity-interval', profile.id), 0)
  let last = Number.NEGATIVE_INFINITY
  let minGap = Number.POSITIVE_INFINITY
  let fast = 'a new conversion'
  for (let t = 0; t < 2000 * pollMs; t += pollMs) {
    const r = sensor.read(t, typical)
    if (r.fresh) {
      minGap = Math.min(minGap, t - last)
      last = t
    } else fast = r.fault === 'early-read' ? `the power-on value ${r.values[0]}` : 'the cached previous result'
  }
  return { minGapMs: minGap, fastReadReturns: fast }
}
