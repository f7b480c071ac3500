// The two MQTT client libraries an ESP32 firmware uses (sensors.md §4.1).
export type ClientKindName = 'pubsubclient' | 'esp-mqtt'

export interface ClientKind {
  name: ClientKindName
  /** MQTT protocol level: 4 = 3.1.1 (both default to it) */
  protocolVersion: 4
  /** whole-packet limit, bytes: PubSubClient MQTT_MAX_PACKET_SIZE 256; esp-mqtt buffer 1024 */
  maxPacketBytes: number
  keepaliveS: number
  maxQos: 0 | 1
  /** QoS 1 messages kept while disconnected and dropped once older than this (esp-mqtt) */
  outboxExpiryMs: number | null
  /** fixed reconnect delay of the library or its canonical example */
  reconnectMs: number
}

export const clientKinds: Readonly<Record<ClientKindName, ClientKind>> = {
  // §4.1 PubSubClient v2.8: 3.1.1, 256-byte packets, keepalive 15 s, publish QoS 0 only, no
  // outbox, the examples retry every 5000 ms
  pubsubclient: { name: 'pubsubclient', protocolVersion: 4, maxPacketBytes: 256, keepaliveS: 15, maxQos: 0, outboxExpiryMs: null, reconnectMs: 5000 },
  // §4.1 esp-mqtt: 3.1.1 default, keepalive 120 s, QoS 1 outbox expiring after
  // OUTBOX_EXPIRED_TIMEOUT_MS = 30 000 ms, MQTT_RECON_DEFAULT_MS = 10 000 ms
  'esp-mqtt': { name: 'esp-mqtt', protocolVersion: 4, maxPacketBytes: 1024, keepaliveS: 120, maxQos: 1, outboxExpiryMs: 30_000, reconnectMs: 10_000 },
}

/** PubSubClient's publish() check: 5 header + 2 topic length + topic + payload ≤ buffer (§4.1). */
export const fitsPacket = (kind: ClientKind, topic: string, payload: string): boolean =>
  5 + 2 + Buffer.byteLength(topic) + Buffer.byteLength(payload) <= kind.maxPacketBytes
