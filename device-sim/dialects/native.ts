// Our own firmware's format (product-contract.md, MQTT, native): one JSON object per reading on
// devices/{id}/telemetry. Built as a string so the key order is fixed and no float is reformatted.
// ArduinoJson would print NaN as null; our firmware omits a failed channel instead, and skips the
// publish when every channel failed (as the Adafruit DHT example does with "Failed to read").
import type { DialectEncoder, EncodedMessage, ReadingInput } from './dialect-types.ts'

export const nativeEncoder: DialectEncoder = {
  encode(r: ReadingInput): EncodedMessage[] {
    let body = `{"seq":${r.seq},"boot":${r.boot},"ts":${r.deviceTime},"sensor":"${r.profile.id}"`
    const metrics: Record<string, number> = {}
    let any = false
    const chs = r.profile.channels
    for (let i = 0; i < chs.length; i++) {
      const v = r.values[i] as number
      if (Number.isNaN(v)) continue
      const m = (chs[i] as (typeof chs)[number]).metric
      body += `,"${m}":${v}`
      metrics[m] = v
      any = true
    }
    if (!any) return []
    if (r.battery !== undefined) body += `,"battery":${r.battery}`
    if (r.rssi !== undefined) body += `,"rssi":${r.rssi}`
    return [{ topic: `devices/${r.deviceId}/telemetry`, payload: `${body}}`, metrics }]
  },
  statusTopic: (id) => `devices/${id}/status`,
  online: 'online',
  offline: 'offline',
}
