// Tasmota's teleperiod message (product-contract.md, MQTT, Tasmota): tele/{id}/SENSOR with the
// sensor's key (the DHT22 is "AM2301"), values at Tasmota's default resolution of one decimal
// (TempRes, HumRes, PressRes = 1), a DewPoint Tasmota computes itself, and `Time` as local time
// with no offset, which reads 1970-01-01T… until the first NTP sync.
import { dewPoint } from '../environment/magnus.ts'
import type { DialectEncoder, EncodedMessage, ReadingInput } from './dialect-types.ts'

/** Tasmota rounds half away from zero (dtostrfd). */
const r1 = (x: number): number => (Math.sign(x) * Math.round(Math.abs(x) * 10)) / 10

const field: Readonly<Record<string, string>> = { temperature: 'Temperature', humidity: 'Humidity', pressure: 'Pressure' }

/** A stable 1-Wire ROM id for the DS18B20 entry, derived from the device id. */
export function oneWireId(deviceId: string): string {
  let h = 0x811c9dc5
  for (let i = 0; i < deviceId.length; i++) h = Math.imul(h ^ deviceId.charCodeAt(i), 0x01000193) >>> 0
  return `28${h.toString(16).toUpperCase().padStart(8, '0')}00`
}

export function localTime(deviceTime: number, utcOffsetMinutes: number): string {
  return new Date(deviceTime + utcOffsetMinutes * 60_000).toISOString().slice(0, 19)
}

export const tasmotaEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    const metrics: Record<string, number> = {}
    const parts: string[] = []
    if (r.profile.id === 'ds18b20') parts.push(`"Id":"${oneWireId(r.deviceId)}"`)
    let t = Number.NaN
    let h = Number.NaN
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      if (Number.isNaN(v)) continue
      const m = (chs[i] as (typeof chs)[number]).metric
      if (m === 'temperature') t = v
      if (m === 'humidity') h = v
      const rounded = r1(v)
      parts.push(`"${field[m] ?? m}":${rounded}`)
      metrics[m] = rounded
    }
    if (Object.keys(metrics).length === 0) return []
    if (!Number.isNaN(t) && !Number.isNaN(h)) {
      // DewPoint sits after Humidity and before Pressure in Tasmota's output
      const at = parts.findIndex((p) => p.startsWith('"Humidity"'))
      parts.splice(at + 1, 0, `"DewPoint":${r1(dewPoint(t, h))}`)
    }
    const hasPressure = 'pressure' in metrics
    const payload =
      `{"Time":"${localTime(r.deviceTime, r.utcOffsetMinutes)}","${r.profile.tasmotaKey}":{${parts.join(',')}}` +
      `${hasPressure ? ',"PressureUnit":"hPa"' : ''},"TempUnit":"C"}`
    return [{ topic: `tele/${r.deviceId}/SENSOR`, payload, metrics }]
  },
  statusTopic: (id) => `tele/${id}/LWT`,
  online: 'Online',
  offline: 'Offline',
}
