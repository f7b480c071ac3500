import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Partitioners, type Admin, type Producer, type ProducerBatch, type ProducerRecord, type RecordMetadata } from 'kafkajs'
import { createDurableSender, MAX_CACHED_KEYS, PartialAckError } from '../../kafka-client/durable-send.ts'

// Producer and Admin here are recording stand-ins: the behaviour under test is how records are
// placed and answers checked; the real-broker behaviour (a leader SIGKILLed mid-stream, KafkaJS
// #1303) is in test/local-stack/kafka-cluster.integration.test.ts.
type Answer = (topicMessages: Array<{ topic: string; partitions: number[] }>) => RecordMetadata[]
const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }))
const partitionsOf = (messages: ReadonlyArray<{ partition?: number }>): number[] => [...new Set(messages.map((m) => m.partition as number))]

const layoutOf = (n: number) => Array.from({ length: n }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }))

function fakes(batchAnswer: Answer, singleAnswer: Answer = batchAnswer, partitions: () => typeof meta = () => meta) {
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
      return { topics: [{ name: topics[0], partitions: partitions() }] }
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

test('remembered key partitions: always what the partitioner says, for the partition count of the current metadata', async () => {
  let t = 0
  let count = 6
  const f = fakes(ackAll, ackAll, () => layoutOf(count))
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000, metadataMaxAgeMs: 1_000, now: () => t })
  const expected = Partitioners.DefaultPartitioner()
  const keys = Array.from({ length: 50 }, (_, i) => `device-${i}`)
  const check = async (n: number): Promise<void> => {
    // twice: the second send is served from the remembered partitions
    for (let round = 0; round < 2; round++) {
      await send([{ topic: 't', messages: keys.map((key) => ({ key, value: 'v' })) }])
      const placed = f.batches.at(-1)?.topicMessages?.[0]?.messages ?? []
      for (const m of placed) assert.equal(m.partition, expected({ topic: 't', partitionMetadata: layoutOf(n), message: { key: m.key, value: m.value } }), `${String(m.key)} with ${n} partitions`)
    }
  }
  await check(6)
  // partitions added to the live topic: after the metadata max age, keys map by the new count
  count = 10
  t = 1_500
  await check(10)
  const moved = keys.filter((key) => expected({ topic: 't', partitionMetadata: layoutOf(6), message: { key, value: 'v' } }) !== expected({ topic: 't', partitionMetadata: layoutOf(10), message: { key, value: 'v' } }))
  assert.ok(moved.length > 0, 'the test must include keys that change partition')
})

test('records that name their partition keep it; keyless records still spread', async () => {
  const f = fakes(ackAll)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  await send([{ topic: 't', messages: [{ key: 'a', value: '1' }] }])
  const auto = f.batches[0]?.topicMessages?.[0]?.messages[0]?.partition as number
  const other = (auto + 1) % 6
  await send([{ topic: 't', messages: [{ key: 'a', value: '2', partition: other }, ...Array.from({ length: 12 }, (_, i) => ({ key: null, value: String(i) }))] }])
  const placed = f.batches[1]?.topicMessages?.[0]?.messages ?? []
  assert.equal(placed[0]?.partition, other, 'an explicit partition wins over the remembered one')
  assert.ok(new Set(placed.slice(1).map((m) => m.partition)).size > 1, 'keyless records are spread')
})

test('the remembered keys are bounded: past MAX_CACHED_KEYS the cache starts over, placement unchanged', async () => {
  const f = fakes(ackAll)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  const expected = Partitioners.DefaultPartitioner()
  const n = MAX_CACHED_KEYS + 10
  const messages = Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v' }))
  await send([{ topic: 't', messages }])
  await send([{ topic: 't', messages: messages.slice(0, 20) }])
  for (const m of f.batches[1]?.topicMessages?.[0]?.messages ?? []) assert.equal(m.partition, expected({ topic: 't', partitionMetadata: meta, message: { key: m.key, value: m.value } }))
})

test('an empty batch sends nothing', async () => {
  const f = fakes(ackAll)
  await createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })([{ topic: 't', messages: [] }])
  assert.equal(f.batches.length + f.singles.length, 0)
})
