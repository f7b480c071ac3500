// CONNECT checks that need the packet (aedes `preConnect`). aedes closes the socket without a
// CONNACK when preConnect fails, so a refusal is remembered here and returned by `authenticate`
// as a proper CONNACK return code [MQTT-3.2.2-5].
import type { Client, ConnectPacket } from 'aedes'

/** MQTT 3.1.1 CONNACK return codes [MQTT-3.2.2-4]. */
export const ConnackCode = { identifierRejected: 2, serverUnavailable: 3, notAuthorized: 5 } as const
export type RefusalCode = (typeof ConnackCode)[keyof typeof ConnackCode]

export interface Refusal {
  code: RefusalCode
  reason: 'client_id' | 'keepalive' | 'username_mismatch' | 'not_ready' | 'anonymous' | 'bad_credentials' | 'auth_busy' | 'flapping'
}

export interface ConnectPolicyOptions {
  maxClientIdLength: number
  keepaliveMinSec: number
  keepaliveMaxSec: number
  allowAnonymous: boolean
  /** false while the gateway cannot make anything durable (Kafka down, no spool room) */
  isAccepting: () => boolean
  /** true while a device is banned for reconnecting too often */
  isBanned?: (deviceId: string) => boolean
}

/** Device id = client id = username: a topic level, so no wildcards, separators or spaces. */
const CLIENT_ID = /^[A-Za-z0-9_-]+$/
/** First topic levels of the dialects: a device named like one could publish into others' namespaces. */
const RESERVED_IDS = new Set(['devices', 'tele', 'stat', 'cmnd'])

export function checkConnect(packet: ConnectPacket, opts: ConnectPolicyOptions): Refusal | null {
  const id = packet.clientId ?? ''
  // An empty client id would get a broker-assigned one; identity must come from the device.
  if (id.length === 0 || id.length > opts.maxClientIdLength || !CLIENT_ID.test(id) || RESERVED_IDS.has(id)) return { code: 2, reason: 'client_id' }
  // keepalive 0 means "never time out": a half-open socket would be held forever [MQTT-3.1.2-24].
  const ka = packet.keepalive ?? 0
  if (ka < opts.keepaliveMinSec || ka > opts.keepaliveMaxSec) return { code: 2, reason: 'keepalive' }
  if (packet.username === undefined && packet.password === undefined) {
    if (!opts.allowAnonymous) return { code: 5, reason: 'anonymous' }
  } else if (packet.username !== id) {
    // Authenticating by client id alone is not identity (HiveMQ); bind the ACL to the username.
    return { code: 5, reason: 'username_mismatch' }
  }
  if (!opts.isAccepting()) return { code: 3, reason: 'not_ready' }
  if (opts.isBanned?.(id)) return { code: 3, reason: 'flapping' }
  return null
}

/** Refusals decided in preConnect, read once by authenticate. */
export class PendingRefusals {
  readonly #map = new WeakMap<Client, Refusal>()
  set(client: Client, r: Refusal): void {
    this.#map.set(client, r)
  }
  take(client: Client): Refusal | undefined {
    const r = this.#map.get(client)
    this.#map.delete(client)
    return r
  }
}
