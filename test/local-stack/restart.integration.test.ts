// Fault tests kill and restart servers; a restarted server must come back on the same data and
// the same (automatically chosen) port, or clients could not find what they wrote.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Kafka, logLevel } from 'kafkajs'
import { createTopicsReady } from '../../provision/topic-leaders.ts'
import { privateStack } from '../helpers/private-stack.ts'

test('Kafka SIGKILLed and restarted keeps its port and its acknowledged records', { timeout: 180_000 }, async () => {
  const stack = await privateStack(['kafka'])
  try {
    const kafka = new Kafka({ clientId: 't', brokers: [stack.endpoints.kafkaBrokers], logLevel: logLevel.NOTHING })
    const admin = kafka.admin()
    await admin.connect()
    await createTopicsReady(admin, [{ topic: 'kept', numPartitions: 1 }])
    await admin.disconnect()
    const producer = kafka.producer()
    await producer.connect()
    await producer.send({ topic: 'kept', acks: -1, messages: [{ key: 'k', value: 'acknowledged' }] })
    await producer.disconnect()

    stack.kill('kafka')
    await stack.start('kafka')

    const admin2 = kafka.admin()
    await admin2.connect()
    const offsets = await admin2.fetchTopicOffsets('kept')
    await admin2.disconnect()
    assert.equal(offsets[0]?.high, '1', 'the record acknowledged before the crash is still there')
  } finally {
    await stack.destroy()
  }
})
