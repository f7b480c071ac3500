// The 3-broker KRaft cluster on loopback that users outgrowing one node get with
// IOT_STACK_KAFKA_NODES=3: replication factor 3, min.insync.replicas 2. Kafka's own
// replication_test invariant: SIGKILL a partition leader mid-stream, and every record the
// producer saw acknowledged (acks=all) is still there afterwards.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { createDurableSender } from '../../kafka-client/durable-send.ts'
import { createTopicsReady, waitForTopicLeaders } from '../../provision/topic-leaders.ts'
import { privateStack } from '../helpers/private-stack.ts'

test('3 brokers, RF 3 / min ISR 2: killing the leader mid-stream loses no acknowledged record', { timeout: 300_000 }, async () => {
  const stack = await privateStack(['kafka'], { kafkaNodes: 3 })
  const kafka = new Kafka({ clientId: 't', brokers: stack.endpoints.kafkaBrokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } })
  const admin = kafka.admin()
  const producer = kafka.producer({ allowAutoTopicCreation: false })
  try {
    assert.equal(stack.endpoints.kafkaBrokers.split(',').length, 3)
    await admin.connect()
    const cluster = await admin.describeCluster()
    assert.equal(cluster.brokers.length, 3)
    // A fresh cluster propagates new-topic metadata to each broker with a delay (KafkaJS's own
    // waitForLeaders, createTopics' default, gave up on UNKNOWN_TOPIC_OR_PARTITION under CI load);
    // wait ourselves until every replica is in sync.
    const topic = { topic: 'replicated', numPartitions: 3, replicationFactor: 3, configEntries: [{ name: 'min.insync.replicas', value: '2' }] }
    await createTopicsReady(admin, [topic], { minIsr: 3 })
    const parts = (await waitForTopicLeaders(admin, ['replicated'], { minIsr: 3 })).get('replicated') ?? []
    const leader = parts.find((p) => p.partitionId === 0)?.leader as number
    assert.ok(parts.length === 3 && parts.every((p) => p.replicas.length === 3))

    await producer.connect()
    const send = createDurableSender({ producer, admin, ackTimeoutMs: 10_000 })
    const acked = new Set<number>()
    let next = 0
    const batch = async (): Promise<void> => {
      const ids = Array.from({ length: 50 }, () => next++)
      try {
        await send([{ topic: 'replicated', messages: ids.map((i) => ({ key: `dev-${i % 11}`, value: String(i) })) }])
        for (const i of ids) acked.add(i)
      } catch {
        // not acknowledged: the invariant makes no claim about these
      }
    }
    for (let i = 0; i < 20; i++) await batch()
    stack.kill(`kafka-${leader}`)
    for (let i = 0; i < 20; i++) await batch()
    assert.ok(acked.size >= 1_000, `only ${acked.size} acknowledged before and after the kill`)

    // Read until every acknowledged record is seen, or give up after a bounded wait.
    const consumer = kafka.consumer({ groupId: 'verify', sessionTimeout: 10_000 })
    const seen = new Set<number>()
    await consumer.connect()
    await consumer.subscribe({ topic: 'replicated', fromBeginning: true })
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, 45_000)
      void consumer
        .run({
          eachMessage: async ({ message }) => {
            seen.add(Number(message.value))
            if ([...acked].every((i) => seen.has(i))) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    await consumer.disconnect()
    const offsets = await admin.fetchTopicOffsets('replicated')
    const lost = [...acked].filter((i) => !seen.has(i))
    assert.deepEqual(lost, [], `acknowledged but lost: ${lost.length} of ${acked.size} (${lost.slice(0, 10).join(', ')}); offsets ${JSON.stringify(offsets)}; seen ${seen.size}`)
  } finally {
    await producer.disconnect().catch(() => {})
    await admin.disconnect().catch(() => {})
    await stack.destroy()
  }
})
