// A site: where devices hang. The defaults follow sensors.md §5; the weather-scale figures there
// are marked UNVERIFIED and are estimates to tune.
import { Type, type Static } from '@sinclair/typebox'

export const SiteSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' }),
    kind: Type.Union([Type.Literal('indoor'), Type.Literal('outdoor')], { default: 'indoor' }),
    /** outdoor daily mean, °C */
    outdoorMeanC: Type.Number({ default: 12 }),
    /** half the outdoor diurnal range, °C: §5 outdoor DTR 8–15 °C */
    outdoorAmplitudeC: Type.Number({ minimum: 0, default: 5 }),
    /** heating setpoint, °C: §5 Heating setpoints (20 °C awake in winter) */
    setpointC: Type.Number({ default: 21 }),
    /** half the indoor diurnal range, °C: §5 Indoor vs outdoor (indoor range 2.3–3.7 °C) */
    indoorAmplitudeC: Type.Number({ minimum: 0, default: 1.5 }),
    outdoorDewPointC: Type.Number({ default: 7 }),
    indoorDewPointC: Type.Number({ default: 8 }),
    altitudeM: Type.Number({ minimum: -500, maximum: 5000, default: 100 }),
    latitudeDeg: Type.Number({ minimum: -90, maximum: 90, default: 50 }),
    /** local time offset from UTC; drives the diurnal cycle and Tasmota's local `Time` */
    utcOffsetMinutes: Type.Integer({ minimum: -720, maximum: 840, default: 60 }),
  },
  { additionalProperties: false },
)
export type Site = Static<typeof SiteSchema>

export const defaultSite = (id: string, kind: Site['kind'] = 'indoor'): Site => ({
  id,
  kind,
  outdoorMeanC: 12,
  outdoorAmplitudeC: 5,
  setpointC: 21,
  indoorAmplitudeC: 1.5,
  outdoorDewPointC: 7,
  indoorDewPointC: 8,
  altitudeM: 100,
  latitudeDeg: 50,
  utcOffsetMinutes: 60,
})
