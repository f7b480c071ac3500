// First-order Gauss-Markov (Ornstein-Uhlenbeck) process, stepped exactly for any Δt
// (sensors.md §6: b' = e^{−Δt/τ}·b + σ·√(1 − e^{−2Δt/τ})·w). Queries must not go back in time;
// one asking for an earlier instant gets the current value.
import type { Rng } from '../random/prng.ts'

export class OuProcess {
  private readonly sigma: number
  private readonly tauMs: number
  private readonly rng: Rng
  private value: number
  private at: number

  constructor(sigma: number, tauMs: number, rng: Rng, startAt: number) {
    this.sigma = sigma
    this.tauMs = tauMs
    this.rng = rng
    this.at = startAt
    this.value = sigma * rng.normal()
  }

  valueAt(t: number): number {
    if (t > this.at) {
      const a = Math.exp(-(t - this.at) / this.tauMs)
      this.value = a * this.value + this.sigma * Math.sqrt(1 - a * a) * this.rng.normal()
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
        this.value += (1 - Math.exp(-(next - this.at) / this.lagMs)) * (x - this.value)
        this.at = next
      }
    }
    return this.value
  }
}
