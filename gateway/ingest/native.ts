// Native dialect, `devices/{deviceId}/telemetry`: one flat JSON object, PubSubClient-sized
// (product-contract.md): `{"seq":123,"ts":1763780400000,"sensor":"bme280","temperature":21.53,…}`.
// `ts` is epoch ms or ISO-8601; everything but one metric is optional.
import type { RawReading } from './normalize.ts'
import { parseJsonObject } from './json-payload.ts'
import { Rejection } from './reject-reasons.ts'

const RESERVED = new Set(['seq', 'ts', 'boot', 'sensor', 'battery', 'rssi'])

function parseTs(ts: unknown): number | undefined | Rejection {
  if (ts === undefined) return undefined
  if (typeof ts === 'number' && Number.isFinite(ts)) return ts
  if (typeof ts === 'string') {
    const ms = Date.parse(ts)
    if (Number.isFinite(ms)) return ms
  }
  return new Rejection('GW_REJECT_SCHEMA', 'ts is neither epoch ms nor ISO-8601')
}

const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0

export function parseNative(payload: Uint8Array, deviceId: string, defaultSensor: string): RawReading | Rejection {
  const obj = parseJsonObject(payload)
  if (obj instanceof Rejection) return obj
  const { seq, boot, sensor, battery, rssi } = obj
  if (seq !== undefined && !isCount(seq)) return new Rejection('GW_REJECT_SCHEMA', 'seq is not a non-negative integer')
  if (boot !== undefined && !isCount(boot)) return new Rejection('GW_REJECT_SCHEMA', 'boot is not a non-negative integer')
  if (sensor !== undefined && typeof sensor !== 'string') return new Rejection('GW_REJECT_SCHEMA', 'sensor is not a string')
  if (battery !== undefined && typeof battery !== 'number') return new Rejection('GW_REJECT_SCHEMA', 'battery is not a number')
  if (rssi !== undefined && typeof rssi !== 'number') return new Rejection('GW_REJECT_SCHEMA', 'rssi is not a number')
  const ts = parseTs(obj.ts)
  if (ts instanceof Rejection) return ts
  const values: Record<string, unknown> = {}
  // for…in, not Object.entries: no array of pairs per PUBLISH (allocation profile under the
  // pipeline benchmark). JSON.parse makes only own properties, so both visit the same keys.
  for (const k in obj) if (!RESERVED.has(k)) values[k] = obj[k]
  const raw: RawReading = { deviceId, dialect: 'native', sensor: sensor ?? defaultSensor, values }
  if (seq !== undefined) raw.seq = seq
  if (boot !== undefined) raw.boot = boot
  if (ts !== undefined) raw.deviceTime = ts
  if (battery !== undefined) raw.battery = battery
  if (rssi !== undefined) raw.rssi = rssi
  return raw
}
