// The true air around a site's devices (sensors.md §5 Recommended generators): a diurnal
// temperature cycle plus weather-scale OU noise, humidity derived from an OU dew point through
// Magnus (so it anti-correlates with temperature), and pressure drifting with synoptic weather plus
// the solar semidiurnal tide. Scripted events bend these on purpose.
import type { Rng } from '../random/prng.ts'
import type { Metric } from '../../firmware-profiles/profile-schema.ts'
import type { Truth } from '../sensor/sensor-model.ts'
import { relativeHumidity } from './magnus.ts'
import { OuProcess, SmoothedOu } from './ou-process.ts'
import { envelope, relaxWeight, type ScriptedEvent } from './scripted-events.ts'
import type { Site } from './site.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR

// Weather-scale processes: §5 Recommended generators, all [UNVERIFIED] there.
const OUTDOOR_T = { sigma: 2.5, tau: 2.5 * DAY }
const OUTDOOR_DEW = { sigma: 3, tau: 1.5 * DAY }
const PRESSURE = { sigma: 8, tau: 3 * DAY, smoothing: 12 * HOUR } // smoothing: estimate, see SmoothedOu
// Indoor fluctuations around the setpoint: estimates (no source gives them).
const INDOOR_T = { sigma: 0.3, tau: 2 * HOUR }
const INDOOR_DEW = { sigma: 1.5, tau: DAY }
// Event dynamics: estimates for a typical room.
const HVAC_TAU = 3 * HOUR
const HVAC_BACK = HOUR
const DOOR_TAU = 10 * 60_000
const DOOR_BACK = 20 * 60_000
const HEAT_WAVE_INDOOR_SHARE = 0.3

export class SiteEnvironment {
  readonly site: Site
  private readonly events: readonly ScriptedEvent[]
  private readonly outT: OuProcess
  private readonly outDew: OuProcess
  private readonly inT: OuProcess
  private readonly inDew: OuProcess
  private readonly press: SmoothedOu
  private readonly stationFactor: number
  private readonly tideAmp: number
  private cachedAt = Number.NaN
  /**
   * The truth at cachedAt, one object per site refilled in place: a fresh object per instant (with
   * a heap box per number) was a visible share of the --out allocations. Callers read it at once.
   */
  private readonly cached: Record<Metric, number> = { temperature: Number.NaN, humidity: Number.NaN, pressure: Number.NaN }

  constructor(site: Site, events: readonly ScriptedEvent[], rng: Rng, startAt: number) {
    this.site = site
    this.events = events.filter((e) => e.type !== 'sensor-unplugged' && (e.site === undefined || e.site === site.id))
    this.outT = new OuProcess(OUTDOOR_T.sigma, OUTDOOR_T.tau, rng, startAt)
    this.outDew = new OuProcess(OUTDOOR_DEW.sigma, OUTDOOR_DEW.tau, rng, startAt)
    this.inT = new OuProcess(INDOOR_T.sigma, INDOOR_T.tau, rng, startAt)
    this.inDew = new OuProcess(INDOOR_DEW.sigma, INDOOR_DEW.tau, rng, startAt)
    this.press = new SmoothedOu(PRESSURE.sigma, PRESSURE.tau, PRESSURE.smoothing, rng, startAt)
    // ISA barometric formula (not in sensors.md): station pressure from sea-level pressure
    this.stationFactor = (1 - 2.25577e-5 * site.altitudeM) ** 5.25588
    const c = Math.cos((site.latitudeDeg * Math.PI) / 180)
    this.tideAmp = 1.4 * c * c // §5 Solar semidiurnal tide S2, 1.4·cos²(lat) [UNVERIFIED law]
  }

  localHour(t: number): number {
    const local = t + this.site.utcOffsetMinutes * 60_000
    return (((local % DAY) + DAY) % DAY) / HOUR
  }

  /** The true air at t: valid until the next call for another instant (read it, don't keep it). */
  truthAt(t: number): Truth {
    if (t === this.cachedAt) return this.cached
    const s = this.site
    const h = this.localHour(t)
    let heat = 0
    let hvac = 0
    let door = 0
    for (const e of this.events) {
      if (e.type === 'heat-wave') heat += e.magnitude * envelope(t, e)
      else if (e.type === 'hvac-failure') hvac = Math.max(hvac, relaxWeight(t, e, HVAC_TAU, HVAC_BACK))
      else if (e.type === 'door-open') door = Math.max(door, relaxWeight(t, e, DOOR_TAU, DOOR_BACK))
    }
    // §5: minimum near sunrise, maximum ≈14:00–15:00 local
    const outdoorT = s.outdoorMeanC + s.outdoorAmplitudeC * Math.cos((2 * Math.PI * (h - 14.5)) / 24) + this.outT.valueAt(t) + heat
    const outdoorDew = s.outdoorDewPointC + this.outDew.valueAt(t)
    const seaLevel = Math.min(1050, Math.max(950, 1013.25 + this.press.valueAt(t))) // §5 envelope 950–1050 hPa
    const tide = this.tideAmp * Math.cos((2 * Math.PI * (h - 10)) / 12) // §5 S2 peaks ≈10:00/22:00
    const pressure = (seaLevel + tide) * this.stationFactor
    let temperature = outdoorT
    let dew = outdoorDew
    if (s.kind === 'indoor') {
      const nominal = s.setpointC + s.indoorAmplitudeC * Math.cos((2 * Math.PI * (h - 15)) / 24) + this.inT.valueAt(t) + HEAT_WAVE_INDOOR_SHARE * heat
      const mixT = Math.max(hvac, door)
      temperature = nominal + mixT * (outdoorT - nominal)
      const indoorDew = s.indoorDewPointC + this.inDew.valueAt(t)
      dew = indoorDew + door * (outdoorDew - indoorDew)
    }
    const c = this.cached
    c.temperature = temperature
    c.humidity = relativeHumidity(temperature, dew)
    c.pressure = pressure
    this.cachedAt = t
    return c
  }
}
