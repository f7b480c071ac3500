import type { PublishRecord } from '../engine/publish-record.ts'

/** What a real connection needs to know about its device. */
export interface ConnectionInfo {
  clientId: string
  keepaliveS: number
  /** the firmware's base reconnect delay (simulated ms): PubSubClient 5 s, esp-mqtt 10 s */
  reconnectMs: number
  /** QoS 1 messages older than this (simulated ms) are dropped while waiting (esp-mqtt 30 s) */
  outboxExpiryMs: number | null
  will: { topic: string; payload: string; qos: 0 | 1 } | null
  /** uniform [0, 1) for reconnect jitter, from the device's own seeded stream */
  jitter: () => number
}

export interface TransportOptions {
  url: string
  /** '' = the device id */
  username: string
  password: string
  connectTimeoutMs: number
  /** simulated ms per wall ms: scales the firmware's reconnect and expiry delays */
  speed: number
  maxConnecting: number
  /** called for each QoS 1 publish the broker acknowledged (PUBACK) */
  onAck?: (r: PublishRecord) => void
}

export interface TransportCounters {
  connected: number
  connects: number
  connectFailures: number
  published: number
  acknowledged: number
  failed: number
}
