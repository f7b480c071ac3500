// One channel of one physical unit, following the per-sample pipeline of sensors.md §6: truth →
// first-order lag → hysteresis → per-unit offset + drift + bias → white noise → quantize → clamp.
import type { ChannelProfile } from '../../firmware-profiles/profile-schema.ts'
import type { Rng } from '../random/prng.ts'
import { makeQuantizer, type Quantizer } from './quantize.ts'

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

export class ChannelModel {
  readonly profile: ChannelProfile
  readonly unit: UnitDraw
  private readonly quantize: Quantizer
  private readonly tauMs: number
  private readonly hysteresis: number
  private readonly sigma: number
  private readonly min: number
  private readonly max: number
  private readonly bornAt: number
  private lag = 0
  private hyst = 0
  private primed = false
  private lastAt = 0
  private lagDt = -1
  private lagGain = 1
  /** on-chip IIR coefficient (1 = off) and its state (§2.3 IIR) */
  private readonly iir: number
  private iirState = 0
  private iirPrimed = false

  constructor(profile: ChannelProfile, unit: UnitDraw, bornAt: number, iirCoefficient = 1) {
    this.profile = profile
    this.iir = iirCoefficient
    this.unit = unit
    this.quantize = makeQuantizer(profile.resolution.value)
    this.tauMs = profile.tauS.value * 1000
    this.hysteresis = profile.hysteresis?.value ?? 0
    this.sigma = profile.noiseSigma.value
    this.min = profile.min.value
    this.max = profile.max.value
    this.bornAt = bornAt
  }

  /** Systematic error of this unit at time t (offset + drift), without noise or bias. */
  systematicAt(t: number): number {
    return this.unit.offset + this.unit.driftPerMs * (t - this.bornAt)
  }

  /** One conversion at time t of the true value; `bias` adds self-heating or creep. */
  convert(t: number, truth: number, bias: number, rng: Rng): number {
    if (!this.primed) {
      this.lag = truth
      this.hyst = truth
      this.primed = true
    } else if (this.tauMs > 0) {
      // exact first-order step for any Δt (§6 Sensor dynamics); periodic reads repeat the same Δt
      const dt = t - this.lastAt
      if (dt !== this.lagDt) {
        this.lagDt = dt
        this.lagGain = 1 - Math.exp(-dt / this.tauMs)
      }
      this.lag += this.lagGain * (truth - this.lag)
    } else {
      this.lag = truth
    }
    this.lastAt = t
    // play operator: the reading only moves once the input leaves a band of ±h around it, so a
    // rising input reads low and a falling one high by up to h (the datasheet's ±h hysteresis)
    const h = this.hysteresis
    if (this.lag > this.hyst + h) this.hyst = this.lag - h
    else if (this.lag < this.hyst - h) this.hyst = this.lag + h
    let measured = this.hyst + this.systematicAt(t) + bias + this.sigma * rng.normal()
    if (this.iir > 1) {
      // §2.3 IIR: y_n = (y_{n−1}·(c−1) + x_n)/c, one step per conversion (in forced mode the ODR
      // is the read rate), after noise and before quantization (§6 step 5); the first value after
      // a reset becomes the state
      this.iirState = this.iirPrimed ? (this.iirState * (this.iir - 1) + measured) / this.iir : measured
      this.iirPrimed = true
      measured = this.iirState
    }
    return this.clamp(this.quantize(measured))
  }

  /** Writing the config register (at every power-on) resets the filter (§2.3 IIR). */
  resetFilter(): void {
    this.iirPrimed = false
  }

  clamp(x: number): number {
    return x < this.min ? this.min : x > this.max ? this.max : x
  }

  quantized(x: number): number {
    return this.clamp(this.quantize(x))
  }
}
