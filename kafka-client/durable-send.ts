// Produce with acks=all such that a resolved send really means every record is stored.
//
// Why a plain producer.sendBatch() is not enough: KafkaJS 2.2.4 (src/producer/sendMessages.js)
// retries a failed send only to brokers that have no response yet in that send. When a leader
// dies and its partitions move to a broker that already answered for its own partitions in the
// same send, the moved partitions are never re-sent and the send resolves as if they were written
// (open KafkaJS issue #1303; reproduced by test/local-stack/kafka-cluster.integration.test.ts).
// Such a partition is simply absent from the answer (the answer is the list of broker responses).
//
// So: partitions are picked here with KafkaJS's own default (Java-compatible murmur2)
// partitioner, the whole batch — every topic and partition — goes out in ONE sendBatch (one
// produce request per leader, the cheap common case), and the answer is checked to name every
// (topic, partition) sent, without error. A partition missing from it is re-sent on its own: a
// send that touches exactly one partition has exactly one leader, so its retry always goes to the
// new leader. Only if that also goes unacknowledged does the send fail (retriable).
//
// (It used to send every partition on its own: correct, but one produce request per partition per
// batch — six per batch for iot.readings — cost the gateway more CPU than the rest of its Kafka path.)
import { Partitioners, type Admin, type Message, type PartitionMetadata, type Producer, type RecordMetadata } from 'kafkajs'

export class PartialAckError extends Error {
  readonly code = 'KAFKA_ERR_PARTIAL_ACK'
  readonly retriable = true
  constructor(topic: string, partition: number) {
    super(`Kafka answered a send to ${topic}[${partition}] without acknowledging that partition`)
    this.name = 'PartialAckError'
  }
}

export interface DurableSenderOptions {
  producer: Producer
  /** used to learn each topic's partition count */
  admin: Admin
  /** broker-side wait for the in-sync replicas, ms (Kafka's produce `timeout`) */
  ackTimeoutMs: number
  /** re-read partition counts after this long, ms; partitions can be added to a live topic */
  metadataMaxAgeMs?: number
  now?: () => number
}

export interface TopicBatch {
  topic: string
  messages: readonly Message[]
}

/** Resolves once Kafka acknowledged (acks=all) every message of every topic in the batch. */
export type DurableSend = (batch: readonly TopicBatch[]) => Promise<void>

interface Layout {
  metadata: PartitionMetadata[]
  at: number
  /** key → partition under this layout */
  byKey: Map<string, number>
}

/** keys whose partition is remembered per topic; past it the cache starts over */
export const MAX_CACHED_KEYS = 100_000

const acked = (answer: readonly RecordMetadata[], topic: string, partition: number): boolean =>
  answer.some((r) => r.topicName === topic && r.partition === partition && r.errorCode === 0)

export function createDurableSender(opts: DurableSenderOptions): DurableSend {
  const now = opts.now ?? Date.now
  const maxAge = opts.metadataMaxAgeMs ?? 60_000
  const partitioner = Partitioners.DefaultPartitioner()
  const layouts = new Map<string, Layout>()

  async function layout(topic: string): Promise<Layout> {
    const cached = layouts.get(topic)
    if (cached && now() - cached.at < maxAge) return cached
    const meta = await opts.admin.fetchTopicMetadata({ topics: [topic] })
    const partitions = meta.topics[0]?.partitions ?? []
    if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`)
    // Only the count matters for keyed records; mark all available so keyless records spread too.
    const metadata = partitions.map((p) => ({ ...p, leader: Math.max(p.leader, 0) }))
    // A fresh layout starts a fresh key cache: with another partition count, keys map elsewhere.
    const fresh: Layout = { metadata, at: now(), byKey: new Map() }
    layouts.set(topic, fresh)
    return fresh
  }

  // A keyed record's partition depends only on its key and the partition count (murmur2, as the
  // Java client). Keys are device ids, a few thousand reused for ever, and hashing one in KafkaJS's
  // JavaScript murmur2 (a Buffer per key) was 5 % of the gateway's CPU: so each key is hashed once
  // per layout. The cache is bounded (MAX_CACHED_KEYS) so a flood of made-up keys costs a re-hash,
  // never memory; keyless records (spread round robin) and records that name their partition go
  // to the partitioner every time.
  function partitionOf(topic: string, l: Layout, m: Message): number {
    const key = m.key
    if (typeof key !== 'string' || m.partition !== undefined) return partitioner({ topic, partitionMetadata: l.metadata, message: m })
    let partition = l.byKey.get(key)
    if (partition === undefined) {
      partition = partitioner({ topic, partitionMetadata: l.metadata, message: m })
      if (l.byKey.size >= MAX_CACHED_KEYS) l.byKey.clear()
      l.byKey.set(key, partition)
    }
    return partition
  }

  const sendAlone = async (topic: string, partition: number, messages: Message[]): Promise<void> => {
    const answer = await opts.producer.send({ topic, acks: -1, timeout: opts.ackTimeoutMs, messages })
    if (!acked(answer, topic, partition)) throw new PartialAckError(topic, partition)
  }

  return async (batch) => {
    const sent: Array<{ topic: string; partition: number; messages: Message[] }> = []
    const topicMessages: Array<{ topic: string; messages: Message[] }> = []
    for (const { topic, messages } of batch) {
      if (messages.length === 0) continue
      const l = await layout(topic)
      const byPartition = new Map<number, Message[]>()
      const all: Message[] = []
      for (const m of messages) {
        const partition = partitionOf(topic, l, m)
        const placed = { ...m, partition }
        all.push(placed)
        const group = byPartition.get(partition)
        if (group) group.push(placed)
        else byPartition.set(partition, [placed])
      }
      for (const [partition, group] of byPartition) sent.push({ topic, partition, messages: group })
      topicMessages.push({ topic, messages: all })
    }
    if (sent.length === 0) return
    const answer = await opts.producer.sendBatch({ acks: -1, timeout: opts.ackTimeoutMs, topicMessages })
    const missing = sent.filter((s) => !acked(answer, s.topic, s.partition))
    if (missing.length > 0) await Promise.all(missing.map((s) => sendAlone(s.topic, s.partition, s.messages)))
  }
}
