// Online/offline status in each dialect: native and ESPHome `online`/`offline`, Tasmota LWT
// `Online`/`Offline`. Usually the device's retained birth message and its Last Will.
import { decodeUtf8 } from './json-payload.ts'
import { Rejection } from './reject-reasons.ts'

export function parseStatus(payload: Uint8Array): 'online' | 'offline' | Rejection {
  const text = decodeUtf8(payload)
  if (text instanceof Rejection) return text
  const t = text.trim().toLowerCase()
  if (t === 'online' || t === 'offline') return t
  return new Rejection('GW_REJECT_SCHEMA', 'status is neither online nor offline')
}
