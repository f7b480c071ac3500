// Silence from the device's own words: a Last Will (or a retained status "offline") on
// iot.device-events opens an `offline` anomaly at the event time; the next connect or status
// "online" closes it. Events are keyed by deviceId, so one device's events reach one instance of
// the group, in order. At-least-once (commit after the writes); the writes are idempotent
// (anomaly id = offline::openedAt), so a redelivered event rewrites the same row.
import type { Consumer, Kafka, Producer } from 'kafkajs'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DeviceEvent } from '../../contracts/device-event.ts'
import type { Anomaly } from '../anomalies/types.ts'
import type { CassandraStore } from '../store/cassandra-store.ts'
import { anomalyRecord } from './kafka-outputs.ts'
import type { Log } from './readings-consumer.ts'

const EventCheck = TypeCompiler.Compile(DeviceEvent)

export interface DeviceEventsDeps {
  kafka: Kafka
  producer: Producer
  store: CassandraStore
  groupId: string
  topic: string
  anomaliesTopic: string
  sessionTimeoutMs: number
  log: Log
}

export class DeviceEventsConsumer {
  readonly #d: DeviceEventsDeps
  readonly #consumer: Consumer
  readonly #open = new Map<string, Anomaly>()
  ignored = 0

  constructor(deps: DeviceEventsDeps) {
    this.#d = deps
    this.#consumer = deps.kafka.consumer({ groupId: `${deps.groupId}.device-events`, sessionTimeout: deps.sessionTimeoutMs, heartbeatInterval: Math.max(500, Math.floor(deps.sessionTimeoutMs / 10)) })
  }

  async start(): Promise<void> {
    await this.#consumer.connect()
    await this.#consumer.subscribe({ topic: this.#d.topic, fromBeginning: true })
    await this.#consumer.run({ eachMessage: async ({ message }) => this.#handle(message.value) })
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect().catch(() => {})
  }

  async #handle(value: Buffer | null): Promise<void> {
    let e: unknown
    try {
      e = JSON.parse(value ? value.toString('utf8') : '')
    } catch {
      e = null
    }
    if (!EventCheck.Check(e)) {
      this.ignored++
      return
    }
    const ev = e as DeviceEvent
    const offline = ev.kind === 'will' || (ev.kind === 'status' && ev.status === 'offline')
    const online = ev.kind === 'connect' || (ev.kind === 'status' && ev.status === 'online')
    if (offline) {
      if (this.#open.has(ev.deviceId)) return
      const a: Anomaly = { deviceId: ev.deviceId, kind: 'offline', metric: '', severity: 'warning', openedAt: ev.at, value: 0, threshold: 0, detail: ev.kind === 'will' ? 'Last Will: offline' : 'status: offline' }
      await this.#d.store.writeAnomaly(a)
      await this.#d.store.setDeviceStatus(ev.deviceId, 'offline')
      await this.#publish(a)
      this.#open.set(ev.deviceId, a)
    } else if (online) {
      const open = this.#open.get(ev.deviceId) ?? (await this.#d.store.findOpenAnomaly(ev.deviceId, 'offline', ev.at))
      if (!open || open.openedAt > ev.at) return
      const closed: Anomaly = { ...open, closedAt: ev.at, detail: `${open.detail}; back ${ev.kind === 'connect' ? 'connected' : 'online'}` }
      await this.#d.store.writeAnomaly(closed)
      await this.#d.store.setDeviceStatus(ev.deviceId, 'online')
      await this.#publish(closed)
      this.#open.delete(ev.deviceId)
    }
  }

  async #publish(a: Anomaly): Promise<void> {
    await this.#d.producer.send({
      topic: this.#d.anomaliesTopic,
      acks: -1,
      messages: [anomalyRecord(a)],
    })
  }
}
