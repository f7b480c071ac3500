// One physical sensor unit on one device: its channels, its timing rules (minimum interval, the
// DHT22's one-sample lag, the DS18B20's early-read value) and its failure state.
import type { FirmwareProfile, Metric } from '../../firmware-profiles/profile-schema.ts'
import type { Rng } from '../random/prng.ts'
import { ChannelModel, drawUnit, UNIT_SLOTS } from './channel-model.ts'
import { FaultState, type FaultTag } from './fault-state.ts'
import { blankOf, metricsOf, truthOf } from './profile-tables.ts'
import { svpHeatedOf, svpOf } from './svp-cache.ts'

export type Truth = Readonly<Record<Metric, number>>

export interface SensorRead {
  /** one value per profile channel, NaN when the library reports a failed read */
  values: number[]
  fault: FaultTag | null
  /** false when the library returned a cached or early value instead of a new conversion */
  fresh: boolean
}

/**
 * Scratch for convert(): the per-channel truths handed to the failure modes, which read them
 * before convert() returns. One for all units, so it stays in cache.
 */
const scratchTruths: number[] = []

// slots of a unit's own numbers, after its channels' (see SensorModel.state)
const LAST_CONV_AT = 0
const POLL_HEAT = 1
const SELF_HEATING = 2
const OWN_SLOTS = 3

export class SensorModel {
  readonly profile: FirmwareProfile
  readonly channels: readonly ChannelModel[]
  readonly faults: FaultState
  private readonly rng: Rng
  private readonly tempIndex: number
  private readonly humIndex: number
  private readonly disconnectValue: number
  private readonly channelMetrics: readonly Metric[]
  private readonly hasCreep: boolean
  /** made once: a closure per conversion showed up in the --out profile */
  private readonly quantizeChannel = (c: number, v: number): number => (this.channels[c] as ChannelModel).quantized(v)
  /** this unit sends negative temperatures in two's complement (a DHT22 clone) */
  readonly twosComplementClone: boolean
  private readonly blankValues: readonly number[]
  /**
   * The channels' per-unit state (channel-model.ts) and, after it, this unit's own numbers, in one
   * typed array so a conversion touches few cache lines (V8 boxes double-valued fields one by one)
   */
  private readonly state: Float64Array
  /** index of this unit's own numbers in `state` */
  private readonly own: number
  private last: SensorRead | null = null
  private previous: SensorRead | null = null

  /** `unitRng` draws the per-unit constants; `rng` every per-read draw. */
  constructor(profile: FirmwareProfile, unitRng: Rng, rng: Rng, bornAt: number) {
    this.profile = profile
    this.rng = rng
    // §2.3: the IIR filters temperature and pressure, never humidity
    const iir = profile.iirCoefficient?.value ?? 1
    // one state array for all channels of the unit, so a conversion touches few cache lines
    const state = new Float64Array(profile.channels.length * UNIT_SLOTS + OWN_SLOTS)
    this.state = state
    this.own = profile.channels.length * UNIT_SLOTS
    this.lastConvAt = Number.NEGATIVE_INFINITY
    this.channels = profile.channels.map((c, i) => new ChannelModel(c, drawUnit(c, unitRng), bornAt, c.metric === 'humidity' ? 1 : iir, state, i * UNIT_SLOTS))
    // drawn after every channel draw and only when the profile asks, so existing units keep theirs
    const cloneShare = profile.twosComplementCloneFraction?.value ?? 0
    this.twosComplementClone = cloneShare > 0 && unitRng.chance(cloneShare)
    this.faults = new FaultState(profile)
    state[this.own + SELF_HEATING] = profile.selfHeatingC?.value ?? 0
    this.tempIndex = profile.channels.findIndex((c) => c.metric === 'temperature')
    this.humIndex = profile.channels.findIndex((c) => c.metric === 'humidity')
    const disc = profile.failures.find((f) => f.kind === 'sentinel' && f.value.value < -100)
    this.disconnectValue = disc && disc.kind === 'sentinel' ? disc.value.value : Number.NaN
    this.channelMetrics = metricsOf(profile)
    this.blankValues = blankOf(profile)
    this.hasCreep = profile.failures.some((f) => f.kind === 'creep')
  }

  /** when the last conversion started */
  private get lastConvAt(): number {
    return this.state[this.own + LAST_CONV_AT] as number
  }
  private set lastConvAt(t: number) {
    this.state[this.own + LAST_CONV_AT] = t
  }
  /** current poll self-heating bias, °C */
  private get pollHeat(): number {
    return this.state[this.own + POLL_HEAT] as number
  }
  private set pollHeat(c: number) {
    this.state[this.own + POLL_HEAT] = c
  }
  /** the datasheet's self-heating offset, °C */
  private get selfHeating(): number {
    return this.state[this.own + SELF_HEATING] as number
  }

  private convert(t: number, truth: Truth): SensorRead {
    const dt = Number.isFinite(this.lastConvAt) ? t - this.lastConvAt : 0
    this.lastConvAt = t
    const heat = this.profile.pollSelfHeating
    if (heat && dt > 0) {
      // §1.4 Self-heating: the rise tends to maxC when polled at the fastest rate and falls in
      // proportion to the duty cycle at slower ones (estimate), first order with time constant tauS
      const target = heat.maxC.value * Math.min(1, heat.fullAtIntervalMs.value / dt)
      this.pollHeat += (target - this.pollHeat) * (1 - Math.exp(-dt / (heat.tauS.value * 1000)))
    }
    const n = this.channels.length
    // a copy of an all-double array: its elements hold unboxed doubles from the start (a holey
    // `new Array(n)` changed representation, and reallocated, at its first store)
    const values = this.blankValues.slice()
    const truths = scratchTruths
    for (let i = 0; i < n; i++) {
      const ch = this.channels[i] as ChannelModel
      let x = truthOf(truth, this.channelMetrics[i] as Metric)
      let bias = 0
      if (i === this.tempIndex) bias = this.selfHeating + this.pollHeat
      // the part computes RH against its own self-heated die temperature, so a warm die reads
      // low (sensors.md §2.5 Coupled error)
      if (i === this.humIndex && this.profile.coupledHumidity && this.selfHeating !== 0) {
        x = (x * svpOf(truth.temperature)) / svpHeatedOf(truth.temperature, this.selfHeating)
      }
      truths[i] = x
      if (this.hasCreep) bias += this.faults.creepBias(i, x, dt)
      values[i] = ch.convert(t, x, bias, this.rng)
    }
    let fault = this.faults.apply(t, values, truths, this.rng, this.quantizeChannel)
    const ti = this.tempIndex
    if (this.twosComplementClone && ti >= 0 && (values[ti] as number) < 0) {
      // §1.1 Temperature encoding / Clone variant: the clone sends 0x10000 + T×10; the library's
      // sign-magnitude decode reads bit 15 as the sign and bits 14..0 as |T|×10
      const word = 0x10000 + Math.round((values[ti] as number) * 10)
      values[ti] = -(word & 0x7fff) / 10
      fault ??= 'clone-encoding'
    }
    return { values, fault, fresh: true }
  }

  /**
   * What the firmware's library call returns at time t. `unplugged` models a sensor pulled off
   * its connector: the DS18B20 library reports −127, the others NaN.
   */
  read(t: number, truth: Truth, unplugged = false): SensorRead {
    if (unplugged) {
      this.lastConvAt = t
      const v = this.disconnectValue
      return { values: this.channels.map(() => v), fault: 'unplugged', fresh: true }
    }
    if (this.last !== null && t - this.lastConvAt < this.profile.minIntervalMs.value) {
      if (this.profile.fastRead === 'cached') return { values: this.last.values, fault: this.last.fault, fresh: false }
      if (this.profile.fastRead === 'power-on-value') {
        const v = this.profile.powerOnValue?.value ?? Number.NaN
        return { values: this.channels.map(() => v), fault: 'early-read', fresh: false }
      }
    }
    const now = this.convert(t, truth)
    let out = now
    if (this.profile.returnsPrevious) {
      out = this.previous ?? now
      this.previous = now
    }
    this.last = out
    return out
  }

  powerCycle(): void {
    this.faults.powerCycle()
    for (const c of this.channels) c.resetFilter()
    this.previous = null
    this.last = null
  }
}
