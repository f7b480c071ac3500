// A bounded QoS 1 load: each device publishes native readings with increasing seq through MQTT.js,
// which keeps unacknowledged publishes and resends them after every reconnect — also after a refused
// CONNACK (MQTT.js gives up there by default; firmware such as PubSubClient loops and retries). A reading counts as
// acknowledged only when its publish resolved (PUBACK received).
import mqtt, { type MqttClient } from 'mqtt'

export interface Fleet {
  /** `deviceId/0/seq` of every reading whose PUBACK arrived */
  acked: Set<string>
  /** every reading handed to a client */
  published: Set<string>
  /** stop publishing, wait (bounded) for outstanding PUBACKs, close the clients */
  stop(drainMs: number): Promise<void>
}

export function startFleet(port: number, passwords: Map<string, string>, opts: { ratePerDevice: number }): Fleet {
  const acked = new Set<string>()
  const published = new Set<string>()
  const pending = new Set<Promise<unknown>>()
  const clients: MqttClient[] = []
  let running = true
  for (const [id, password] of passwords) {
    const client = mqtt.connect(`mqtt://127.0.0.1:${port}`, { clientId: id, username: id, password, protocolVersion: 4, keepalive: 30, reconnectPeriod: 300, connectTimeout: 5_000, clean: true, reconnectOnConnackError: true })
    client.on('error', () => {})
    clients.push(client)
    let seq = 0
    const tick = (): void => {
      if (!running) return
      seq++
      const key = `${id}/0/${seq}`
      published.add(key)
      const p = client
        .publishAsync(`devices/${id}/telemetry`, JSON.stringify({ seq, sensor: 'bme280', temperature: 20 + (seq % 10) / 10 }), { qos: 1 })
        .then(() => acked.add(key))
        .catch(() => {})
      pending.add(p)
      void p.finally(() => pending.delete(p))
      setTimeout(tick, 1_000 / opts.ratePerDevice)
    }
    tick()
  }
  return {
    acked,
    published,
    async stop(drainMs) {
      running = false
      await Promise.race([Promise.allSettled([...pending]), new Promise((r) => setTimeout(r, drainMs))])
      for (const c of clients) c.end(true)
    },
  }
}
