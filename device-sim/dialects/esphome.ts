// ESPHome's MQTT state topics (product-contract.md, MQTT, ESPHome): one bare number per sensor on
// {id}/sensor/{name}/state, and `nan` when the read failed (ESPHome publishes the NaN state).
// We configure accuracy_decimals to the part's resolution, so the number is the quantized value.
import type { DialectEncoder, EncodedMessage, ReadingInput } from './dialect-types.ts'

export const esphomeEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    const out: EncodedMessage[] = []
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      const m = (chs[i] as (typeof chs)[number]).metric
      out.push({ topic: `${r.deviceId}/sensor/${m}/state`, payload: Number.isNaN(v) ? 'nan' : String(v), metrics: { [m]: v } })
    }
    return out
  },
  statusTopic: (id) => `${id}/status`,
  online: 'online',
  offline: 'offline',
}
