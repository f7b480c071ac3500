// Tasmota's teleperiod message (product-contract.md, MQTT, Tasmota): tele/{id}/SENSOR with the
// sensor's key (the DHT22 is "AM2301"), values at Tasmota's default resolution of one decimal
// (TempRes, HumRes, PressRes = 1), a DewPoint Tasmota computes itself, and `Time` as local time
// with no offset, which reads 1970-01-01T… until the first NTP sync.
import { dewPoint } from '../environment/magnus.ts'
import { numberText } from './number-text.ts'
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

// one-entry cache by local second: a fleet is stepped in time order, so consecutive reads of
// different devices mostly fall in the same second, and Date#toISOString was a hot spot in --out
let cachedSecond = Number.NaN
let cachedText = ''

export function localTime(deviceTime: number, utcOffsetMinutes: number): string {
  const local = deviceTime + utcOffsetMinutes * 60_000
  const second = Math.floor(local / 1000)
  if (second !== cachedSecond) {
    cachedText = new Date(local).toISOString().slice(0, 19)
    cachedSecond = second
  }
  return cachedText
}

// a Tasmota sensor key that needs no JSON escaping (every built-in one): lets the encoder build
// the payload's JSON string literal alongside the payload
const PLAIN_KEY = /^[A-Za-z0-9_ -]+$/

export const tasmotaEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    const metrics: Record<string, number> = {}
    let json = ''
    // "Key":value fields in output order; DewPoint is inserted after Humidity below
    const keys: string[] = []
    const texts: string[] = []
    if (r.profile.id === 'ds18b20') {
      keys.push('Id')
      texts.push(`"${oneWireId(r.deviceId)}"`)
    }
    let t = Number.NaN
    let h = Number.NaN
    let humidityAt = -1
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      if (Number.isNaN(v)) continue
      const m = (chs[i] as (typeof chs)[number]).metric
      if (m === 'temperature') t = v
      if (m === 'humidity') {
        h = v
        humidityAt = keys.length
      }
      const rounded = r1(v)
      const text = numberText(rounded)
      keys.push(field[m] ?? m)
      texts.push(text)
      const pair = `"${m}":${Number.isFinite(rounded) ? text : 'null'}`
      json = json === '' ? pair : `${json},${pair}`
      metrics[m] = rounded
    }
    if (json === '') return []
    if (!Number.isNaN(t) && !Number.isNaN(h)) {
      // DewPoint sits after Humidity and before Pressure in Tasmota's output
      keys.splice(humidityAt + 1, 0, 'DewPoint')
      texts.splice(humidityAt + 1, 0, numberText(r1(dewPoint(t, h))))
    }
    const hasPressure = 'pressure' in metrics
    const time = localTime(r.deviceTime, r.utcOffsetMinutes)
    const key = r.profile.tasmotaKey
    let inner = ''
    let innerEsc = ''
    for (let i = 0; i < keys.length; i++) {
      const text = texts[i] as string
      inner += `${i === 0 ? '' : ','}"${keys[i]}":${text}`
      // the only value with quotes is the 1-Wire Id
      innerEsc += `${i === 0 ? '' : ','}\\"${keys[i]}\\":${text.charCodeAt(0) === 34 ? `\\"${text.slice(1, -1)}\\"` : text}`
    }
    const tail = `${hasPressure ? ',"PressureUnit":"hPa"' : ''},"TempUnit":"C"}`
    const payload = `{"Time":"${time}","${key}":{${inner}}${tail}`
    const payloadJson = PLAIN_KEY.test(key)
      ? `"{\\"Time\\":\\"${time}\\",\\"${key}\\":{${innerEsc}}${hasPressure ? ',\\"PressureUnit\\":\\"hPa\\"' : ''},\\"TempUnit\\":\\"C\\"}"`
      : undefined
    return [{ topic: `tele/${r.deviceId}/SENSOR`, payload, metrics, metricsJson: json, payloadJson }]
  },
  statusTopic: (id) => `tele/${id}/LWT`,
  online: 'Online',
  offline: 'Offline',
}
