// Tasmota, `tele/{deviceId}/SENSOR`: `{"Time":"2026-11-22T03:00:00","BME280":{"Temperature":21.5,…},
// "PressureUnit":"hPa","TempUnit":"C"}`. One reading per sensor object. `Time` is local time with no
// offset, so the configured UTC offset is applied. Units are converted to °C and hPa.
import type { RawReading } from './normalize.ts'
import { parseJsonObject } from './json-payload.ts'
import { Rejection } from './reject-reasons.ts'

/** Tasmota's sensor keys → our profile ids (a DHT22 appears as AM2301). */
const PROFILE: Readonly<Record<string, string>> = {
  AM2301: 'dht22',
  DHT22: 'dht22',
  BME280: 'bme280',
  BMP280: 'bmp280',
  SHT3X: 'sht31',
  DS18B20: 'ds18b20',
}
/** Objects that are not environmental sensors (the ESP32's own die temperature, the ADC). */
const NOT_SENSORS = new Set(['ESP32', 'ANALOG'])

const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()

function convert(name: string, v: unknown, tempUnit: unknown, pressureUnit: unknown): unknown {
  if (typeof v !== 'number') return v
  if ((name === 'temperature' || name === 'dew_point') && tempUnit === 'F') return ((v - 32) * 5) / 9
  if (name === 'pressure' || name === 'sea_pressure') {
    if (pressureUnit === 'mmHg') return v * 1.333_223_87
    if (pressureUnit === 'inHg') return v * 33.863_886_67
  }
  return v
}

export function parseTasmotaTime(time: unknown, utcOffsetMin: number): number | undefined | Rejection {
  if (time === undefined) return undefined
  if (typeof time !== 'string' || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$/.test(time)) return new Rejection('GW_REJECT_SCHEMA', 'Time is not yyyy-mm-ddThh:mm:ss')
  const ms = Date.parse(`${time}Z`)
  if (!Number.isFinite(ms)) return new Rejection('GW_REJECT_SCHEMA', 'Time is not a date')
  return ms - utcOffsetMin * 60_000
}

export function parseTasmota(payload: Uint8Array, deviceId: string, utcOffsetMin: number): RawReading[] | Rejection {
  const obj = parseJsonObject(payload)
  if (obj instanceof Rejection) return obj
  const time = parseTasmotaTime(obj.Time, utcOffsetMin)
  if (time instanceof Rejection) return time
  const out: RawReading[] = []
  for (const [key, value] of Object.entries(obj)) {
    if (NOT_SENSORS.has(key) || typeof value !== 'object' || value === null || Array.isArray(value)) continue
    // Several sensors of one kind are suffixed: DS18B20-1, SHT3X-0x44.
    const base = key.split('-')[0] as string
    const sensor = PROFILE[base] ?? base.toLowerCase().replace(/[^a-z0-9_-]/g, '_').slice(0, 32)
    const values: Record<string, unknown> = {}
    for (const [field, v] of Object.entries(value as Record<string, unknown>)) {
      if (typeof v === 'string' && !/^[+-]?(nan|inf)/i.test(v)) continue // e.g. the DS18B20 "Id"
      const name = snake(field)
      values[name] = convert(name, v, obj.TempUnit, obj.PressureUnit)
    }
    const raw: RawReading = { deviceId, dialect: 'tasmota', sensor, values }
    if (time !== undefined) raw.deviceTime = time
    out.push(raw)
  }
  if (out.length === 0) return new Rejection('GW_REJECT_SCHEMA', 'no sensor object in the SENSOR message')
  return out
}
