// Our own firmware's format (product-contract.md, MQTT, native): one JSON object per reading on
// devices/{id}/telemetry. Built as a string so the key order is fixed and no float is reformatted.
// ArduinoJson would print NaN as null; our firmware omits a failed channel instead, and skips the
// publish when every channel failed (as the Adafruit DHT example does with "Failed to read").
import { nativeBytes } from './native-bytes.ts'
import { numberText } from './number-text.ts'
import type { DialectEncoder, EncodedMessage, ReadingInput } from './dialect-types.ts'

export const nativeEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    const seq = String(r.seq)
    const boot = String(r.boot)
    const ts = String(r.deviceTime)
    const id = r.profile.id
    let body = `{"seq":${seq},"boot":${boot},"ts":${ts},"sensor":"${id}"`
    // the same text as a JSON string literal: only the quotes need escaping (numbers, a profile id
    // of [a-z0-9_-] and metric names)
    let esc = `"{\\"seq\\":${seq},\\"boot\\":${boot},\\"ts\\":${ts},\\"sensor\\":\\"${id}\\"`
    const metrics: Record<string, number> = {}
    let json = ''
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      if (Number.isNaN(v)) continue
      const m = (chs[i] as (typeof chs)[number]).metric
      const text = numberText(v)
      body += `,"${m}":${text}`
      esc += `,\\"${m}\\":${text}`
      const pair = `"${m}":${Number.isFinite(v) ? text : 'null'}`
      json = json === '' ? pair : `${json},${pair}`
      metrics[m] = v
    }
    if (json === '') return []
    if (r.battery !== undefined) {
      const battery = numberText(r.battery)
      body += `,"battery":${battery}`
      esc += `,\\"battery\\":${battery}`
    }
    if (r.rssi !== undefined) {
      body += `,"rssi":${r.rssi}`
      esc += `,\\"rssi\\":${r.rssi}`
    }
    return [{ topic: `devices/${r.deviceId}/telemetry`, payload: `${body}}`, metrics, metricsJson: json, payloadJson: `${esc}}"` }]
  },
  statusTopic: (id) => `devices/${id}/status`,
  online: 'online',
  offline: 'offline',
  bytes: nativeBytes,
}
