import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Partitioners, type Admin, type Producer, type ProducerRecord, type RecordMetadata } from 'kafkajs'
import { createDurableSender, PartialAckError } from '../../kafka-client/durable-send.ts'

// Producer and Admin here are recording stand-ins: the behaviour under test is how records are
// split and answers checked; the real-broker behaviour is in kafka-cluster.integration.test.ts.
function fakes(answer: (r: ProducerRecord) => RecordMetadata[]) {
  const sends: ProducerRecord[] = []
  let metadataCalls = 0
  const producer = { send: async (r: ProducerRecord) => (sends.push(r), answer(r)) } as unknown as Producer
  const admin = {
    fetchTopicMetadata: async () => {
      metadataCalls++
      return { topics: [{ name: 't', partitions: Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 })) }] }
    },
  } as unknown as Admin
  return { producer, admin, sends, metadataCalls: () => metadataCalls }
}
const ok = (r: ProducerRecord): RecordMetadata[] => [{ topicName: r.topic, partition: r.messages[0]?.partition as number, errorCode: 0 }]

test('each send carries one partition, chosen as KafkaJS default partitioner would', async () => {
  const f = fakes(ok)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  const messages = Array.from({ length: 200 }, (_, i) => ({ key: `device-${i % 37}`, value: String(i) }))
  await send('t', messages)
  const expected = Partitioners.DefaultPartitioner()
  const meta = Array.from({ length: 6 }, (_, i) => ({ partitionId: i, leader: 1, replicas: [1], isr: [1], offlineReplicas: [], partitionErrorCode: 0 }))
  let total = 0
  for (const s of f.sends) {
    const parts = new Set(s.messages.map((m) => m.partition))
    assert.equal(parts.size, 1, 'one partition per send')
    assert.equal(s.acks, -1)
    for (const m of s.messages) assert.equal(m.partition, expected({ topic: 't', partitionMetadata: meta, message: { key: m.key, value: m.value } }))
    total += s.messages.length
  }
  assert.equal(total, 200)
  assert.ok(f.sends.length > 1 && f.sends.length <= 6)
})

test('an answer that does not acknowledge the partition fails the send (retriable)', async () => {
  const f = fakes(() => [])
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000 })
  await assert.rejects(send('t', [{ key: 'a', value: '1' }]), (e: unknown) => e instanceof PartialAckError && e.retriable)
})

test('partition counts are cached and re-read after their max age', async () => {
  let t = 0
  const f = fakes(ok)
  const send = createDurableSender({ producer: f.producer, admin: f.admin, ackTimeoutMs: 5_000, metadataMaxAgeMs: 1_000, now: () => t })
  await send('t', [{ key: 'a', value: '1' }])
  await send('t', [{ key: 'a', value: '2' }])
  assert.equal(f.metadataCalls(), 1)
  t = 1_500
  await send('t', [{ key: 'a', value: '3' }])
  assert.equal(f.metadataCalls(), 2)
})
