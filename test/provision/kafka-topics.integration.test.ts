// The first contact with the real broker: KafkaJS admin creates topics, a producer writes with
// acks=all, and a consumer group reads every record back, on Kafka 4.1 (local-stack.md asks this
// to be confirmed by a run, since Kafka 4.0 removed old protocol versions).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka } from 'kafkajs'
import { kafkaClientConfig } from '../../config/kafka-connection.ts'
import { createTopics, topicPlan } from '../../provision/kafka-topics.ts'
import { Topics } from '../../contracts/topics.ts'
import { createTopicsReady } from '../../provision/topic-leaders.ts'
import { stackEnv, uniqueName } from '../helpers/stack-env.ts'

const settings = { readingsPartitions: 6, replicationFactor: 1, minInsyncReplicas: 1 }

test('the topic plan covers the product contract with 6 reading partitions by default', () => {
  const plan = topicPlan(settings)
  assert.deepEqual(plan.map((p) => p.topic).sort(), Object.values(Topics).sort())
  assert.equal(plan.find((p) => p.topic === Topics.readings)?.partitions, 6)
})

test('createTopics creates what is missing and is idempotent', async () => {
  const kafka = new Kafka(kafkaClientConfig(stackEnv().kafka, 'test'))
  const admin = kafka.admin()
  await admin.connect()
  try {
    const a = uniqueName('t.readings') as never
    const b = uniqueName('t.dlq') as never
    const plan = [
      { topic: a, partitions: 6 },
      { topic: b, partitions: 1 },
    ]
    assert.deepEqual((await createTopics(admin, settings, plan)).sort(), [a, b].sort())
    assert.deepEqual(await createTopics(admin, settings, plan), [])
    const meta = await admin.fetchTopicMetadata({ topics: [a] })
    assert.equal(meta.topics[0]?.partitions.length, 6)
    await admin.deleteTopics({ topics: [a, b] })
  } finally {
    await admin.disconnect()
  }
})

test('produce with acks=all, then a consumer group reads every record once', { timeout: 120_000 }, async () => {
  const kafka = new Kafka(kafkaClientConfig(stackEnv().kafka, 'test'))
  const admin = kafka.admin()
  const producer = kafka.producer()
  const consumer = kafka.consumer({ groupId: uniqueName('g'), sessionTimeout: 10_000, heartbeatInterval: 1_000 })
  const topic = uniqueName('t.roundtrip')
  await admin.connect()
  try {
    await createTopicsReady(admin, [{ topic, numPartitions: 3 }])
    await producer.connect()
    const sent = Array.from({ length: 300 }, (_, i) => ({ key: `dev-${i % 7}`, value: JSON.stringify({ i }) }))
    await producer.send({ topic, acks: -1, messages: sent })

    await consumer.connect()
    await consumer.subscribe({ topic, fromBeginning: true })
    const seen = new Map<number, string>()
    const partitionsByKey = new Map<string, Set<number>>()
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`only ${seen.size} of ${sent.length} consumed`)), 60_000)
      consumer
        .run({
          eachMessage: async ({ partition, message }) => {
            const { i } = JSON.parse(String(message.value)) as { i: number }
            seen.set(i, String(message.key))
            const key = String(message.key)
            partitionsByKey.set(key, (partitionsByKey.get(key) ?? new Set()).add(partition))
            if (seen.size === sent.length) {
              clearTimeout(timer)
              resolve()
            }
          },
        })
        .catch(reject)
    })
    assert.equal(seen.size, 300)
    for (const [i, key] of seen) assert.equal(key, `dev-${i % 7}`)
    for (const [key, parts] of partitionsByKey) assert.equal(parts.size, 1, `key ${key} spread over partitions ${[...parts]}`)
  } finally {
    await consumer.disconnect().catch(() => {})
    await producer.disconnect().catch(() => {})
    await admin.deleteTopics({ topics: [topic] }).catch(() => {})
    await admin.disconnect()
  }
})
