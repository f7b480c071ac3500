// JSON as firmware writes it. Some serialisers emit bare NaN / Infinity tokens (invalid JSON) for
// a failed read; those are turned into null (a read failure) before parsing. Invalid UTF-8 is
// rejected rather than silently replaced.
import { Rejection } from './reject-reasons.ts'

const decoder = new TextDecoder('utf-8', { fatal: true })
const BARE_NAN = /([:,[]\s*)-?(NaN|Infinity|nan|inf)(?=\s*[,}\]])/g

export function decodeUtf8(payload: Uint8Array): string | Rejection {
  try {
    return decoder.decode(payload)
  } catch {
    return new Rejection('GW_REJECT_UNPARSEABLE', 'payload is not valid UTF-8')
  }
}

export function parseJsonObject(payload: Uint8Array): Record<string, unknown> | Rejection {
  const text = decodeUtf8(payload)
  if (text instanceof Rejection) return text
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    try {
      value = JSON.parse(text.replace(BARE_NAN, '$1null'))
    } catch {
      return new Rejection('GW_REJECT_UNPARSEABLE', 'payload is not JSON')
    }
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return new Rejection('GW_REJECT_SCHEMA', 'payload is not a JSON object')
  return value as Record<string, unknown>
}
