// One channel of one physical unit, following the per-sample pipeline of sensors.md §6: truth →
// first-order lag → hysteresis → per-unit offset + drift + bias → white noise → quantize → clamp.
import type { ChannelProfile } from '../../firmware-profiles/profile-schema.ts'
import type { Rng } from '../random/prng.ts'
import { quantizerParams } from './quantize.ts'

const MS_PER_YEAR = 365.25 * 86_400_000

/** Per-unit constants drawn once when the unit is built (§6 Constant per-unit bias). */
export interface UnitDraw {
  offset: number
  /** signed drift rate, unit per ms; the magnitude is the datasheet's long-term stability */
  driftPerMs: number
}

export function drawUnit(ch: ChannelProfile, rng: Rng): UnitDraw {
  const clip = ch.offsetClip.value
  let offset = Math.max(-clip, Math.min(clip, ch.offsetSigma.value * rng.normal()))
  const outlier = ch.offsetOutlier
  if (outlier && rng.chance(outlier.fraction.value)) {
    offset = (rng.chance(0.5) ? 1 : -1) * rng.uniform(outlier.min.value, outlier.max.value)
  }
  if (ch.offsetUniform) offset += rng.uniform(ch.offsetUniform.min.value, ch.offsetUniform.max.value)
  const sign = rng.chance(0.5) ? 1 : -1
  return { offset, driftPerMs: (sign * ch.driftPerYear.value) / MS_PER_YEAR }
}

// A channel's numbers live in Float64Arrays, not object fields: V8 keeps every double-valued
// field in a separate heap box, and with a thousand devices in --out mode the cache misses on ~18
// scattered boxes per channel per conversion were a large share of the run. Per-unit state sits in
// one array per sensor (all its channels side by side); the datasheet constants in one array per
// profile channel, shared by every unit. The arithmetic is unchanged.
const LAG = 0
const HYST = 1
const LAST_AT = 2
const LAG_DT = 3
const LAG_GAIN = 4
const IIR_STATE = 5
const OFFSET = 6
const DRIFT = 7
const BORN_AT = 8
/** per-unit slots of one channel */
export const UNIT_SLOTS = 9

const TAU_MS = 0
const HYSTERESIS = 1
const SIGMA = 2
const MIN = 3
const MAX = 4
const Q_STEP = 5
const Q_UNITS = 6
const Q_SCALE = 7

const constantsOf = new WeakMap<ChannelProfile, Float64Array>()

function constants(profile: ChannelProfile): Float64Array {
  let k = constantsOf.get(profile)
  if (k === undefined) {
    const q = quantizerParams(profile.resolution.value)
    k = Float64Array.of(profile.tauS.value * 1000, profile.hysteresis?.value ?? 0, profile.noiseSigma.value, profile.min.value, profile.max.value, q.step, q.stepUnits, q.scale)
    constantsOf.set(profile, k)
  }
  return k
}

export class ChannelModel {
  readonly profile: ChannelProfile
  readonly unit: UnitDraw
  /** the datasheet constants (shared) */
  private readonly k: Float64Array
  /** per-unit state, at `base` (an array of the sensor's, or this channel's own) */
  private readonly s: Float64Array
  private readonly base: number
  /** on-chip IIR coefficient (1 = off, §2.3 IIR) */
  private readonly iir: number
  private primed = false
  private iirPrimed = false

  constructor(profile: ChannelProfile, unit: UnitDraw, bornAt: number, iirCoefficient = 1, state = new Float64Array(UNIT_SLOTS), base = 0) {
    this.profile = profile
    this.unit = unit
    this.k = constants(profile)
    this.s = state
    this.base = base
    this.iir = iirCoefficient
    state[base + LAG_DT] = -1
    state[base + LAG_GAIN] = 1
    state[base + OFFSET] = unit.offset
    state[base + DRIFT] = unit.driftPerMs
    state[base + BORN_AT] = bornAt
  }

  /** Systematic error of this unit at time t (offset + drift), without noise or bias. */
  systematicAt(t: number): number {
    const s = this.s
    const b = this.base
    return (s[b + OFFSET] as number) + (s[b + DRIFT] as number) * (t - (s[b + BORN_AT] as number))
  }

  /** One conversion at time t of the true value; `bias` adds self-heating or creep. */
  convert(t: number, truth: number, bias: number, rng: Rng): number {
    const s = this.s
    const b = this.base
    const k = this.k
    const tauMs = k[TAU_MS] as number
    let lag = s[b + LAG] as number
    if (!this.primed) {
      lag = truth
      s[b + HYST] = truth
      this.primed = true
    } else if (tauMs > 0) {
      // exact first-order step for any Δt (§6 Sensor dynamics); periodic reads repeat the same Δt
      const dt = t - (s[b + LAST_AT] as number)
      if (dt !== s[b + LAG_DT]) {
        s[b + LAG_DT] = dt
        s[b + LAG_GAIN] = 1 - Math.exp(-dt / tauMs)
      }
      lag += (s[b + LAG_GAIN] as number) * (truth - lag)
    } else {
      lag = truth
    }
    s[b + LAG] = lag
    s[b + LAST_AT] = t
    // play operator: the reading only moves once the input leaves a band of ±h around it, so a
    // rising input reads low and a falling one high by up to h (the datasheet's ±h hysteresis)
    const h = k[HYSTERESIS] as number
    let hyst = s[b + HYST] as number
    if (lag > hyst + h) hyst = lag - h
    else if (lag < hyst - h) hyst = lag + h
    s[b + HYST] = hyst
    let measured = hyst + this.systematicAt(t) + bias + (k[SIGMA] as number) * rng.normal()
    const iir = this.iir
    if (iir > 1) {
      // §2.3 IIR: y_n = (y_{n−1}·(c−1) + x_n)/c, one step per conversion (in forced mode the ODR
      // is the read rate), after noise and before quantization (§6 step 5); the first value after
      // a reset becomes the state
      const y = this.iirPrimed ? ((s[b + IIR_STATE] as number) * (iir - 1) + measured) / iir : measured
      s[b + IIR_STATE] = y
      this.iirPrimed = true
      measured = y
    }
    return this.quantized(measured)
  }

  /** Writing the config register (at every power-on) resets the filter (§2.3 IIR). */
  resetFilter(): void {
    this.iirPrimed = false
  }

  clamp(x: number): number {
    const min = this.k[MIN] as number
    const max = this.k[MAX] as number
    return x < min ? min : x > max ? max : x
  }

  /** quantize (sensors.md §6 Quantization, as makeQuantizer), then clamp */
  quantized(x: number): number {
    const k = this.k
    return this.clamp((Math.round(x / (k[Q_STEP] as number)) * (k[Q_UNITS] as number)) / (k[Q_SCALE] as number))
  }
}
