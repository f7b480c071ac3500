import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Partitioners, type Admin, type Producer, type ProducerBatch, type ProducerRecord, type RecordMetadata } from 'kafkajs'
import { createDurableSender, PartialAckError } from '../../kafka-client/durable-send.ts'

// Producer and Admin here are recording stand-ins: the behaviour under test is how records are
// placed and answers checked; the real-broker behaviour (a leader SIGKILLed mid-stream, KafkaJS
// #1303) is in test/local-stack/kafka-cluster.integration.test.ts.
type Answer = (topicMessages: Array<{ topic: string; partitions: number[] }>) => RecordMetadata[]
const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }))
const partitionsOf = (messages: ReadonlyArray<{ partition?: number }>): number[] => [...new Set(messages.map((m) => m.partition as number))]

function fakes(batchAnswer: Answer, singleAnswer: Answer = batchAnswer) {
  const batches: ProducerBatch[] = []
  const singles: ProducerRecord[] = []
  let metadataCalls = 0
  const producer = {
    sendBatch: async (b: ProducerBatch) => (batches.push(b), batchAnswer((b.topicMessages ?? []).map((t) => ({ topic: t.topic, partitions: partitionsOf(t.messages) })))),
    send: async (r: ProducerRecord) => (singles.push(r), singleAnswer([{ topic: r.topic, partitions: partitionsOf(r.messages) }])),
  } as unknown as Producer
  const admin = {
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => {
      metadataCalls++
      return { topics: [{ name: topics[0], partitions: meta }] }
    },
  } as unknown as Admin
  return { producer, admin, batches, singles, metadataCalls: () => metadataCalls }
}
const ackAll: Answer = (tms) => tms.flatMap(({ topic, partitions }) => partitions.map((partition) => ({ topicName: topic, partition, errorCode: 0 })))

test('one sendBatch carries every topic and partition, each record placed as KafkaJS default partitioner would', async () => {
  const f = fakes(ackAll)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  const readings = Array.from({ length: 200 }, (_, i) => ({ key: `device-${i % 37}`, value: String(i) }))
  await send([{ topic: 't', messages: readings }, { topic: 'events', messages: [{ key: 'device-1', value: 'e' }] }])
  assert.equal(f.batches.length, 1, 'one request for the whole batch')
  assert.equal(f.singles.length, 0)
  const [b] = f.batches
  assert.equal(b?.acks, -1)
  assert.equal(b?.timeout, 5_000)
  const expected = Partitioners.DefaultPartitioner()
  const t = b?.topicMessages?.find((x) => x.topic === 't')
  assert.equal(t?.messages.length, 200)
  for (const m of t?.messages ?? []) assert.equal(m.partition, expected({ topic: 't', partitionMetadata: meta, message: { key: m.key, value: m.value } }))
  assert.ok(partitionsOf(t?.messages ?? []).length > 1, 'the batch spans partitions')
  assert.equal(b?.topicMessages?.find((x) => x.topic === 'events')?.messages.length, 1)
})

test('a partition missing from the answer (KafkaJS #1303) is re-sent on its own, and only it', async () => {
  // The answer omits partition p of topic t, as KafkaJS does when p's leader died and p moved to
  // a broker that had already answered in the same send.
  let omitted = -1
  const f = fakes(
    (tms) => {
      const all = ackAll(tms)
      omitted = all.find((r) => r.topicName === 't')?.partition as number
      return all.filter((r) => !(r.topicName === 't' && r.partition === omitted))
    },
    ackAll,
  )
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  const messages = Array.from({ length: 60 }, (_, i) => ({ key: `device-${i}`, value: String(i) }))
  await send([{ topic: 't', messages }])
  assert.equal(f.singles.length, 1)
  const resent = f.singles[0]
  assert.equal(resent?.topic, 't')
  assert.equal(resent?.acks, -1)
  assert.deepEqual(partitionsOf(resent?.messages ?? []), [omitted])
  const inBatch = f.batches[0]?.topicMessages?.[0]?.messages.filter((m) => m.partition === omitted).map((m) => m.value)
  assert.deepEqual(resent?.messages.map((m) => m.value), inBatch, 'every record of that partition, in order')
})

test('a partition still unacknowledged after its own re-send fails the send (retriable)', async () => {
  const f = fakes(() => [], () => [])
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  await assert.rejects(send([{ topic: 't', messages: [{ key: 'a', value: '1' }] }]), (e: unknown) => e instanceof PartialAckError && e.retriable)
})

test('an answer with an error code for a partition does not count as acknowledged', async () => {
  const f = fakes((tms) => ackAll(tms).map((r) => ({ ...r, errorCode: 7 })), () => [])
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  await assert.rejects(send([{ topic: 't', messages: [{ key: 'a', value: '1' }] }]), PartialAckError)
})

test('partition counts are cached and re-read after their max age', async () => {
  let t = 0
  const f = fakes(ackAll)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000, metadataMaxAgeMs: 1_000, now: () => t })
  await send([{ topic: 't', messages: [{ key: 'a', value: '1' }] }])
  await send([{ topic: 't', messages: [{ key: 'a', value: '2' }] }])
  assert.equal(f.metadataCalls(), 1)
  t = 1_500
  await send([{ topic: 't', messages: [{ key: 'a', value: '3' }] }])
  assert.equal(f.metadataCalls(), 2)
})

test('an empty batch sends nothing', async () => {
  const f = fakes(ackAll)
  await createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })([{ topic: 't', messages: [] }])
  assert.equal(f.batches.length + f.singles.length, 0)
})
