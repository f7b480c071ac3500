// Accepted telemetry is for Kafka, not for MQTT subscribers. Inside a device's namespace only that
// device may subscribe (acl/authorize-subscribe.ts), and no firmware subscribes to its own telemetry
// topic, so aedes' fan-out of a telemetry message — a Packet copy, a subscription lookup for
// offline queues, an mqemitter emit and a 'publish' event (aedes.js publish) — finds no one and
// cost the gateway a tenth of its CPU per reading. It is skipped for telemetry routes only:
// status topics (retained `online`/`offline`, Wills) and topics no dialect knows (a device's own
// command topics, which it may subscribe to) still go through aedes.
import type { Aedes, Client, PublishPacket } from 'aedes'

type Done = (error?: Error | null) => void
type Publish = (packet: PublishPacket, client: Client | null | Done, done?: Done) => void

export interface FanOutFilter {
  /** this packet's data has gone to Kafka; aedes need not deliver it to subscribers */
  kafkaOnly(packet: PublishPacket): void
  /** wrap aedes' publish (its handlers call `client.broker.publish(packet, client, done)`) */
  install(aedes: Aedes): void
}

// A mark on the packet itself, not a WeakSet of packets: the WeakSet's add and lookup, once per
// PUBLISH, were ~3 % of the gateway's CPU in a profile under the pipeline benchmark. The packet is
// the object aedes parsed for this PUBLISH; a symbol key is invisible to anything serialising it.
const KAFKA_ONLY = Symbol('kafkaOnly')
type Marked = PublishPacket & { [KAFKA_ONLY]?: true }

export function createFanOutFilter(): FanOutFilter {
  return {
    kafkaOnly: (packet) => void ((packet as Marked)[KAFKA_ONLY] = true),
    install(aedes) {
      const broker = aedes as unknown as { publish: Publish }
      const publish = broker.publish.bind(aedes) as Publish
      broker.publish = (packet, client, done) => {
        if ((packet as Marked)[KAFKA_ONLY] !== true) return publish(packet, client, done)
        const cb = typeof client === 'function' ? client : done
        cb?.(null)
      }
    },
  }
}
