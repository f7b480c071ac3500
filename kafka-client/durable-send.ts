// Produce with acks=all such that a resolved send really means every record is stored.
//
// Why not producer.send() with a mixed batch: KafkaJS 2.2.4 (src/producer/sendMessages.js)
// retries a failed send only to brokers that have no response yet in that send. When a leader
// dies and its partitions move to a broker that already answered for its own partitions in the
// same send, the moved partitions are never re-sent and send() resolves as if they were written
// (open KafkaJS issue #1303; reproduced by test/local-stack/kafka-cluster.integration.test.ts).
// A send that touches exactly one partition has exactly one leader, so its retry always goes to
// the new leader. We therefore pick partitions ourselves with KafkaJS's own default (Java-
// compatible murmur2) partitioner, send each partition's records in its own send(), and check the
// broker's answer names that partition without error.
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

export type DurableSend = (topic: string, messages: Message[]) => Promise<RecordMetadata[]>

export function createDurableSender(opts: DurableSenderOptions): DurableSend {
  const now = opts.now ?? Date.now
  const maxAge = opts.metadataMaxAgeMs ?? 60_000
  const partitioner = Partitioners.DefaultPartitioner()
  const layouts = new Map<string, { metadata: PartitionMetadata[]; at: number }>()

  async function layout(topic: string): Promise<PartitionMetadata[]> {
    const cached = layouts.get(topic)
    if (cached && now() - cached.at < maxAge) return cached.metadata
    const meta = await opts.admin.fetchTopicMetadata({ topics: [topic] })
    const partitions = meta.topics[0]?.partitions ?? []
    if (partitions.length === 0) throw new Error(`topic ${topic} has no partitions (does it exist?)`)
    // Only the count matters for keyed records; mark all available so keyless records spread too.
    const metadata = partitions.map((p) => ({ ...p, leader: Math.max(p.leader, 0) }))
    layouts.set(topic, { metadata, at: now() })
    return metadata
  }

  return async (topic, messages) => {
    const metadata = await layout(topic)
    const byPartition = new Map<number, Message[]>()
    for (const m of messages) {
      const partition = partitioner({ topic, partitionMetadata: metadata, message: m })
      const group = byPartition.get(partition)
      if (group) group.push({ ...m, partition })
      else byPartition.set(partition, [{ ...m, partition }])
    }
    const answers = await Promise.all(
      [...byPartition].map(async ([partition, group]) => {
        const res = await opts.producer.send({ topic, acks: -1, timeout: opts.ackTimeoutMs, messages: group })
        if (!res.some((r) => r.partition === partition && r.errorCode === 0)) throw new PartialAckError(topic, partition)
        return res
      }),
    )
    return answers.flat()
  }
}
