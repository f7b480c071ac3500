// Real-Kafka fixtures for *.integration.test.ts: the broker list from IOT_KAFKA_BROKERS (set by
// test/run.ts) — missing or unreachable is a FAILURE, never a skip; topics unique to this run
// (auto-create is off, so created here); a consumer collecting what arrived.
import { Type } from '@sinclair/typebox'
import { Kafka, type Consumer } from 'kafkajs'
import { KafkaConnection, kafkaClientConfig } from '../../../config/kafka-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { createTopicsReady } from '../../../provision/topic-leaders.ts'
import { uniqueName } from '../../helpers/stack-env.ts'
import { assertEveryAckedInKafka } from '../../helpers/invariants.ts'
import { readingKey, type Reading } from '../../../contracts/reading.ts'
import type { Stream } from '../../../gateway/sink/telemetry-sink.ts'

/** The connection settings of the real Kafka under test (for a sink that builds its own client). */
export function kafkaConnectionFromEnv(): KafkaConnection {
  if (!process.env.IOT_KAFKA_BROKERS) throw new Error('IOT_KAFKA_BROKERS is not set: run integration tests through npm test, which starts the real Kafka')
  return loadConfig(Type.Object({ kafka: KafkaConnection })).kafka
}

export function kafkaFromEnv(): Kafka {
  return new Kafka(kafkaClientConfig(kafkaConnectionFromEnv(), 'gateway-test'))
}

export async function createTestTopics(kafka: Kafka, partitions = 3): Promise<Record<Stream, string>> {
  const base = uniqueName('gwtest')
  const topics: Record<Stream, string> = { readings: `${base}.readings`, dlq: `${base}.dlq`, events: `${base}.events` }
  const admin = kafka.admin()
  try {
    await admin.connect()
    await createTopicsReady(admin, Object.values(topics).map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })))
  } catch (err) {
    throw new Error(`Kafka at ${process.env.IOT_KAFKA_BROKERS} is unreachable or refused topic creation: ${(err as Error).message}`)
  } finally {
    await admin.disconnect().catch(() => {})
  }
  return topics
}

export async function deleteTestTopics(kafka: Kafka, topics: Record<Stream, string>): Promise<void> {
  const admin = kafka.admin()
  try {
    await admin.connect()
    await admin.deleteTopics({ topics: Object.values(topics), timeout: 5_000 })
  } catch {
    // best effort: unique names never collide with later runs
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

export interface Collected {
  topic: string
  key: string
  value: string
}

export class TopicCollector {
  readonly messages: Collected[] = []
  readonly #consumer: Consumer
  private constructor(consumer: Consumer) {
    this.#consumer = consumer
  }

  static async start(kafka: Kafka, topics: string[]): Promise<TopicCollector> {
    const consumer = kafka.consumer({ groupId: uniqueName('gwtest-group'), sessionTimeout: 10_000, heartbeatInterval: 500 })
    const c = new TopicCollector(consumer)
    await consumer.connect()
    await consumer.subscribe({ topics, fromBeginning: true })
    let joined: () => void = () => {}
    const ready = new Promise<void>((r) => (joined = r))
    consumer.on(consumer.events.GROUP_JOIN, () => joined())
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        c.messages.push({ topic, key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' })
      },
    })
    await ready
    return c
  }

  of(topic: string): unknown[] {
    return this.messages.filter((m) => m.topic === topic).map((m) => JSON.parse(m.value) as unknown)
  }

  async waitFor(topic: string, pred: (v: Record<string, unknown>) => boolean, count = 1, timeoutMs = 15_000): Promise<Array<Record<string, unknown>>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const hits = (this.of(topic) as Array<Record<string, unknown>>).filter(pred)
      if (hits.length >= count) return hits
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${count} record(s) on ${topic}; have ${hits.length}`)
      await new Promise((r) => setTimeout(r, 50))
    }
  }

  async stop(): Promise<void> {
    await this.#consumer.disconnect()
  }
}

/**
 * Waits (bounded) until every reading a device got a PUBACK for has arrived on `topic` — right after
 * a fault the records may still be on their way (spool replay, a new leader) — then applies the
 * named invariant assertEveryAckedInKafka.
 */
export async function assertEveryAckedReadingInKafka(collector: TopicCollector, topic: string, fleet: { acked: ReadonlySet<string>; published: ReadonlySet<string> }, waitMs = 60_000): Promise<void> {
  const keys = (): string[] => collector.of(topic).map((v) => readingKey(v as Pick<Reading, 'deviceId' | 'boot' | 'seq'>))
  for (const end = Date.now() + waitMs; Date.now() < end; await new Promise((r) => setTimeout(r, 500))) {
    const have = new Set(keys())
    if ([...fleet.acked].every((k) => have.has(k))) break
  }
  assertEveryAckedInKafka(fleet.acked, keys(), fleet.published)
}
