// First-order Gauss-Markov (Ornstein-Uhlenbeck) process, stepped exactly for any Δt
// (sensors.md §6: b' = e^{−Δt/τ}·b + σ·√(1 − e^{−2Δt/τ})·w). Queries must not go back in time;
// one asking for an earlier instant gets the current value.
import type { Rng } from '../random/prng.ts'

/**
 * Step factors are also kept per integer Δt below this, in tables: a site queried by many devices
 * at their own offsets sees a new Δt on almost every query (so the last-Δt cache rarely hit, and
 * the exp was paid per reading), but only a few hundred distinct ones (whole milliseconds up to
 * one reporting interval). A table entry is the double the formula gives for that Δt.
 */
const TABLE = 1024
const emptyTable = (): Float64Array => new Float64Array(TABLE).fill(Number.NaN)

export class OuProcess {
  private readonly sigma: number
  private readonly tauMs: number
  private readonly rng: Rng
  private value: number
  private at: number
  // the decay and noise factors of the last Δt: a site is queried at most every few ms, so the same
  // Δt recurs and its exp/sqrt (a pure function of Δt) need not be recomputed
  private dt = Number.NaN
  private a = 0
  private b = 0
  /** a and b by integer Δt (NaN: not yet computed) */
  private readonly aOf = emptyTable()
  private readonly bOf = emptyTable()

  constructor(sigma: number, tauMs: number, rng: Rng, startAt: number) {
    this.sigma = sigma
    this.tauMs = tauMs
    this.rng = rng
    this.at = startAt
    this.value = sigma * rng.normal()
  }

  valueAt(t: number): number {
    if (t > this.at) {
      const dt = t - this.at
      if (dt !== this.dt) {
        this.dt = dt
        const i = dt | 0
        if (i === dt && i < TABLE) {
          let a = this.aOf[i] as number
          if (Number.isNaN(a)) {
            a = Math.exp(-dt / this.tauMs)
            this.aOf[i] = a
            this.bOf[i] = this.sigma * Math.sqrt(1 - a * a)
          }
          this.a = a
          this.b = this.bOf[i] as number
        } else {
          this.a = Math.exp(-dt / this.tauMs)
          this.b = this.sigma * Math.sqrt(1 - this.a * this.a)
        }
      }
      this.value = this.a * this.value + this.b * this.rng.normal()
      this.at = t
    }
    return this.value
  }
}

/**
 * An OU process seen through a first-order lag: synoptic pressure is smooth, so its 3-hour
 * tendency stays mostly within ±1 hPa (sensors.md §5 Pressure), which a bare OU path (rough at
 * every scale) would not give.
 */
export class SmoothedOu {
  private readonly ou: OuProcess
  private readonly lagMs: number
  private value: number
  private at: number
  /** the lag gain of the last sub-step length (as OuProcess caches its factors) */
  private dt = Number.NaN
  private gain = 0
  /** the gain by integer sub-step length, as OuProcess's factors */
  private readonly gainOf = emptyTable()

  constructor(sigma: number, tauMs: number, lagMs: number, rng: Rng, startAt: number) {
    this.ou = new OuProcess(sigma, tauMs, rng, startAt)
    this.lagMs = lagMs
    this.at = startAt
    this.value = this.ou.valueAt(startAt)
  }

  valueAt(t: number): number {
    if (t > this.at) {
      // sub-steps of at most lag/20 keep the lag accurate across long gaps (deep sleep)
      const step = this.lagMs / 20
      while (this.at < t) {
        const next = Math.min(t, this.at + step)
        const x = this.ou.valueAt(next)
        const dt = next - this.at
        if (dt !== this.dt) {
          this.dt = dt
          const i = dt | 0
          if (i === dt && i < TABLE) {
            let gain = this.gainOf[i] as number
            if (Number.isNaN(gain)) {
              gain = 1 - Math.exp(-dt / this.lagMs)
              this.gainOf[i] = gain
            }
            this.gain = gain
          } else this.gain = 1 - Math.exp(-dt / this.lagMs)
        }
        this.value += this.gain * (x - this.value)
        this.at = next
      }
    }
    return this.value
  }
}
