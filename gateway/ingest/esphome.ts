// ESPHome, `{deviceId}/sensor/{name}/state`: a bare number such as `21.53`, or `nan` when the read
// failed. The metric is named after the sensor's object id; ESPHome carries no time and no seq.
import type { RawReading } from './normalize.ts'
import { decodeUtf8 } from './json-payload.ts'
import { Rejection } from './reject-reasons.ts'

const NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/

export function metricNameFor(sensorName: string): string {
  return sensorName.toLowerCase().replace(/[^a-z0-9_]/g, '_')
}

export function parseEsphome(payload: Uint8Array, deviceId: string, sensorName: string, sensor: string): RawReading | Rejection {
  const text = decodeUtf8(payload)
  if (text instanceof Rejection) return text
  const t = text.trim()
  let value: unknown
  if (NUMBER.test(t)) value = Number(t)
  else if (/^[+-]?(nan|inf)$/i.test(t)) value = t
  else return new Rejection('GW_REJECT_UNPARSEABLE', 'state is not a number')
  return { deviceId, dialect: 'esphome', sensor, values: { [metricNameFor(sensorName)]: value } }
}
