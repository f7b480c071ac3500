// ESPHome's MQTT state topics (product-contract.md, MQTT, ESPHome): one bare number per sensor on
// {id}/sensor/{name}/state, and `nan` when the read failed (ESPHome publishes the NaN state).
// We configure accuracy_decimals to the part's resolution, so the number is the quantized value.
import { numberText } from './number-text.ts'
import type { DialectEncoder, EncodedMessage, ReadingInput } from './dialect-types.ts'

export const esphomeEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    const out: EncodedMessage[] = []
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      const m = (chs[i] as (typeof chs)[number]).metric
      const text = Number.isNaN(v) ? 'nan' : numberText(v)
      out.push({ topic: `${r.deviceId}/sensor/${m}/state`, payload: text, metrics: { [m]: v }, metricsJson: `"${m}":${Number.isFinite(v) ? text : 'null'}` })
    }
    return out
  },
  statusTopic: (id) => `${id}/status`,
  online: 'online',
  offline: 'offline',
}
