// aedes `authorizeSubscribe`: devices are publishers. A device may subscribe only inside its own
// namespace (e.g. Tasmota `cmnd/{id}/#`, ESPHome `{id}/.../command`), never to another device's
// data, a wildcard over all devices, or `$SYS/`. A refused filter gets SUBACK 0x80 rather than a
// disconnect, so stock firmware that subscribes on boot keeps working [MQTT-3.9.3-2].
import type { Client, Subscription } from 'aedes'
import { ownsNamespace } from './topic-routes.ts'

export function subscriptionAllowed(filter: string, deviceId: string): boolean {
  if (filter.startsWith('$')) return false
  const levels = filter.split('/')
  // Wildcards may only appear after the levels that name the device.
  const idLevel = levels[0] === deviceId ? 0 : 1
  if (levels.slice(0, idLevel + 1).some((l) => l === '+' || l === '#')) return false
  return ownsNamespace(levels, deviceId)
}

/**
 * `maxSubscriptions` distinct filters granted per session bound the broker's subscription store
 * (one entry per filter; one SUBSCRIBE may carry many). Unsubscribing does not give a slot back.
 */
export function createAuthorizeSubscribe(maxSubscriptions: number, onDenied?: (client: Client, filter: string, reason: 'acl' | 'too_many') => void) {
  const granted = new WeakMap<Client, Set<string>>()
  return (client: Client, sub: Subscription, cb: (err: Error | null, sub?: Subscription | null) => void): void => {
    if (!subscriptionAllowed(sub.topic, client.id)) {
      onDenied?.(client, sub.topic, 'acl')
      return cb(null, null)
    }
    let set = granted.get(client)
    if (!set) granted.set(client, (set = new Set()))
    if (!set.has(sub.topic) && set.size >= maxSubscriptions) {
      onDenied?.(client, sub.topic, 'too_many')
      return cb(null, null)
    }
    set.add(sub.topic)
    cb(null, sub)
  }
}
