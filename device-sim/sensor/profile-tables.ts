// Per-profile tables the units of a profile share (per-unit copies were a cache miss per read with
// a thousand devices), and the truth lookup by metric.
import type { FirmwareProfile, Metric } from '../../firmware-profiles/profile-schema.ts'
import type { Truth } from './sensor-model.ts'

/** an all-NaN values array per profile, shared by its units, to copy for each conversion */
const blankByProfile = new WeakMap<FirmwareProfile, readonly number[]>()
export function blankOf(p: FirmwareProfile): readonly number[] {
  let b = blankByProfile.get(p)
  if (b === undefined) {
    b = p.channels.map(() => Number.NaN)
    blankByProfile.set(p, b)
  }
  return b
}

/** channel metrics per profile, shared by its units (per-unit copies were cache misses per read) */
const metricsByProfile = new WeakMap<FirmwareProfile, readonly Metric[]>()
export function metricsOf(p: FirmwareProfile): readonly Metric[] {
  let m = metricsByProfile.get(p)
  if (m === undefined) {
    m = p.channels.map((c) => c.metric)
    metricsByProfile.set(p, m)
  }
  return m
}

/**
 * truth[metric] with a constant key per branch: the computed key made a megamorphic keyed load on
 * every channel of every read.
 */
export const truthOf = (truth: Truth, m: Metric): number => (m === 'temperature' ? truth.temperature : m === 'humidity' ? truth.humidity : truth.pressure)
