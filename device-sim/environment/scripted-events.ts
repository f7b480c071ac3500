// Scripted environment events that produce anomalies on purpose (issue 3 §3). Each is active in
// [at, at + duration) of simulated time, relative to the simulation start.
import { Type, type Static } from '@sinclair/typebox'

export const ScriptedEventSchema = Type.Object(
  {
    type: Type.Union([Type.Literal('heat-wave'), Type.Literal('hvac-failure'), Type.Literal('door-open'), Type.Literal('sensor-unplugged')]),
    /** site id; omitted = every site */
    site: Type.Optional(Type.String()),
    /** device id, for sensor-unplugged; omitted = every device of the site */
    device: Type.Optional(Type.String()),
    /** start, relative to the simulation start: `2h`, `30m` */
    at: Type.String(),
    duration: Type.String(),
    /** heat-wave: °C added to the outdoor temperature (default 8) */
    magnitude: Type.Optional(Type.Number()),
  },
  { additionalProperties: false },
)
export type ScriptedEventSpec = Static<typeof ScriptedEventSchema>

export interface ScriptedEvent {
  type: ScriptedEventSpec['type']
  site: string | undefined
  device: string | undefined
  start: number
  end: number
  magnitude: number
}

/**
 * Weight of an event that pulls a value toward another with time constant τ while active and
 * lets go with τBack afterwards: 0 before, → 1 during, decaying after.
 */
export function relaxWeight(t: number, e: ScriptedEvent, tauMs: number, tauBackMs: number): number {
  if (t < e.start) return 0
  if (t < e.end) return 1 - Math.exp(-(t - e.start) / tauMs)
  const atEnd = 1 - Math.exp(-(e.end - e.start) / tauMs)
  return atEnd * Math.exp(-(t - e.end) / tauBackMs)
}

/** Smooth 0→1→0 envelope with raised-cosine edges a quarter of the event long. */
export function envelope(t: number, e: ScriptedEvent): number {
  if (t < e.start || t >= e.end) return 0
  const edge = (e.end - e.start) / 4
  const x = Math.min(t - e.start, e.end - t)
  return x >= edge ? 1 : 0.5 - 0.5 * Math.cos((Math.PI * x) / edge)
}
