// Which dialect a topic belongs to and whose namespace it is in (product-contract.md, "MQTT").
// A topic outside the publisher's own namespace is an ACL violation; a topic inside it that no
// dialect knows is "unknown dialect" input and goes to the dead-letter topic.
import type { Dialect } from '../../contracts/reading.ts'

export type Route =
  | { kind: 'telemetry'; dialect: 'native' | 'tasmota'; deviceId: string }
  | { kind: 'telemetry'; dialect: 'esphome'; deviceId: string; sensorName: string }
  | { kind: 'status'; dialect: Dialect; deviceId: string }
  | { kind: 'unknown'; deviceId: string }

export type Denial = { kind: 'denied'; reason: 'sys' | 'foreign' | 'invalid' }

/** True when the topic lies in the device's own namespace in some supported dialect. */
export function ownsNamespace(levels: readonly string[], deviceId: string): boolean {
  const [a, b] = levels
  if ((a === 'devices' || a === 'tele' || a === 'stat' || a === 'cmnd') && b === deviceId) return true
  return a === deviceId // ESPHome: {deviceId}/...
}

export function classifyTopic(topic: string, deviceId: string): Route | Denial {
  // $SYS/ is the broker's own; clients publishing there was a DoS (aedes #622).
  if (topic.startsWith('$')) return { kind: 'denied', reason: 'sys' }
  // U+0000 must not appear in a topic [MQTT-1.5.3-2]; mqtt-packet lets it through.
  if (topic.includes('\u0000')) return { kind: 'denied', reason: 'invalid' }
  const levels = topic.split('/')
  if (!ownsNamespace(levels, deviceId)) return { kind: 'denied', reason: 'foreign' }
  const [a, , c, d] = levels
  const n = levels.length
  if (a === 'devices' && n === 3) {
    if (c === 'telemetry') return { kind: 'telemetry', dialect: 'native', deviceId }
    if (c === 'status') return { kind: 'status', dialect: 'native', deviceId }
  }
  if (a === 'tele' && n === 3) {
    if (c === 'SENSOR') return { kind: 'telemetry', dialect: 'tasmota', deviceId }
    if (c === 'LWT') return { kind: 'status', dialect: 'tasmota', deviceId }
  }
  if (a === deviceId) {
    if (n === 4 && levels[1] === 'sensor' && d === 'state' && c) return { kind: 'telemetry', dialect: 'esphome', deviceId, sensorName: c }
    if (n === 2 && levels[1] === 'status') return { kind: 'status', dialect: 'esphome', deviceId }
  }
  return { kind: 'unknown', deviceId }
}
