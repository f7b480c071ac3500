// The failure modes of a profile as a per-unit state machine (sensors.md §1.3, §2.4, §3.1, §3.2).
// Persistent states (lock-up, stuck, decay, sentinel runs, creep) live here; the sensor model asks
// it, once per fresh conversion, what to do with the converted values.
import type { FailureMode, FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import type { Rng } from '../random/prng.ts'

/** nan, lockup, spike, stuck, decay, creep, unplugged, early-read, or a sentinel mode's name */
export type FaultTag = string

interface Decay {
  mode: Extract<FailureMode, { kind: 'decay' }>
  startAt: number
  from: number
}

/** What FaultState derives from a profile alone, made once per profile and shared by its units. */
interface Layout {
  modeChannel: Int32Array
  spikeTargets: (readonly (readonly [number, number])[])[]
  hasCreep: boolean
}

const layouts = new WeakMap<FirmwareProfile, Layout>()

function layoutOf(profile: FirmwareProfile): Layout {
  let l = layouts.get(profile)
  if (l === undefined) {
    const modes = profile.failures
    const index = new Map<string, number>(profile.channels.map((c, i) => [c.metric, i]))
    const ch = (metric: string): number => index.get(metric) ?? -1
    l = {
      modeChannel: Int32Array.from(modes, (m) => ('metric' in m ? ch(m.metric) : -1)),
      spikeTargets: modes.map((m) => (m.kind === 'spike' ? Object.entries(m.values).flatMap(([metric, v]) => (ch(metric) >= 0 ? [[ch(metric), v] as const] : [])) : [])),
      hasCreep: modes.some((m) => m.kind === 'creep'),
    }
    layouts.set(profile, l)
  }
  return l
}

export class FaultState {
  private readonly modes: readonly FailureMode[]
  /** channel index of each mode's metric (−1 when the mode has none), resolved once: per-read Map lookups were a hot spot */
  private readonly modeChannel: Int32Array
  /** per spike mode: [channel, value] pairs */
  private readonly spikeTargets: (readonly (readonly [number, number])[])[]
  private readonly hasCreep: boolean
  lockedUp = false
  /** channels stuck, one bit each (bit c & 31): a Set cost a hash lookup per read and mode */
  private stuck = 0
  private readonly decays = new Map<number, Decay>()
  private sentinelRun: { mode: Extract<FailureMode, { kind: 'sentinel' }>; left: number } | null = null
  private readonly creepAboveMs = new Map<number, number>()
  private readonly creepOffset = new Map<number, number>()

  constructor(profile: FirmwareProfile) {
    const l = layoutOf(profile)
    this.modes = profile.failures
    this.modeChannel = l.modeChannel
    this.spikeTargets = l.spikeTargets
    this.hasCreep = l.hasCreep
  }

  /** Creep bias per channel before conversion (§3.1 High-RH creep); updates the exposure clock. */
  creepBias(channel: number, truth: number, dtMs: number): number {
    let bias = 0
    for (let i = 0; i < this.modes.length; i++) {
      const m = this.modes[i] as FailureMode
      if (m.kind !== 'creep' || this.modeChannel[i] !== channel) continue
      const above = truth > m.above.value ? (this.creepAboveMs.get(channel) ?? 0) + dtMs : 0
      this.creepAboveMs.set(channel, above)
      let off = this.creepOffset.get(channel) ?? 0
      if (above >= m.afterS.value * 1000) off = m.offset.value
      else if (above === 0 && off > 0) off *= Math.exp(-dtMs / (m.recoveryTauS.value * 1000))
      this.creepOffset.set(channel, off)
      bias += off
    }
    return bias
  }

  isCreeping(): boolean {
    if (!this.hasCreep) return false
    for (const v of this.creepOffset.values()) if (v > 0.05) return true
    return false
  }

  /**
   * Applies the failure modes to one fresh conversion in place and returns the fault it shows, or
   * null. `truths` are the true values, used by the condensation-triggered modes.
   */
  apply(t: number, values: number[], truths: readonly number[], rng: Rng, quantize: (ch: number, x: number) => number): FaultTag | null {
    let tag: FaultTag | null = null
    for (let i = 0; i < this.modes.length; i++) {
      const m = this.modes[i] as FailureMode
      switch (m.kind) {
        case 'lockup':
          if (!this.lockedUp && rng.chance(m.ratePerRead.value)) this.lockedUp = true
          break
        case 'nan':
          if (rng.chance(m.ratePerRead.value)) tag ??= 'nan'
          break
        case 'spike':
          if (rng.chance(m.ratePerRead.value)) {
            for (const [c, v] of this.spikeTargets[i] ?? []) values[c] = v
            tag ??= 'spike'
          }
          break
        case 'stuck': {
          const c = this.modeChannel[i] as number
          const truth = truths[c] ?? 0
          const bit = 1 << (c & 31)
          if ((this.stuck & bit) !== 0) {
            if (truth <= m.whenTruthAbove.value && rng.chance(m.recoveryPerRead.value)) this.stuck &= ~bit
          } else if (truth > m.whenTruthAbove.value && rng.chance(m.ratePerRead.value)) this.stuck |= bit
          if ((this.stuck & bit) !== 0) {
            values[c] = m.value.value
            tag ??= 'stuck'
          }
          break
        }
        case 'decay': {
          const c = this.modeChannel[i] as number
          let d = this.decays.get(c)
          if (!d && rng.chance(m.ratePerRead.value)) {
            d = { mode: m, startAt: t, from: values[c] ?? 0 }
            this.decays.set(c, d)
          }
          if (d) {
            const f = Math.min(1, (t - d.startAt) / (m.durationS.value * 1000))
            values[c] = quantize(c, d.from + (m.to.value - d.from) * f)
            tag ??= 'decay'
          }
          break
        }
        case 'sentinel': {
          const run = this.sentinelRun
          if (run && run.mode === m) {
            run.left--
            if (run.left <= 0) this.sentinelRun = null
          } else if (!run && rng.chance(m.ratePerRead.value)) {
            // geometric run length with the given mean: each further read continues with 1 − 1/mean
            let left = 0
            const p = 1 / Math.max(1, m.meanRunReads.value)
            while (!rng.chance(p)) left++
            this.sentinelRun = left > 0 ? { mode: m, left } : null
          } else break
          const c = this.modeChannel[i] as number
          values[c] = m.value.value
          tag ??= m.name
          break
        }
        case 'creep':
          break
      }
    }
    if (this.lockedUp) tag = 'lockup'
    if (tag === 'nan' || tag === 'lockup') values.fill(Number.NaN)
    if (tag === null && this.isCreeping()) tag = 'creep'
    return tag
  }

  /** A power cycle clears what is electronic (a lock-up); physical damage stays. */
  powerCycle(): void {
    this.lockedUp = false
    this.sentinelRun = null
  }
}
