// The Kafka sink on its own thread against the REAL Kafka (IOT_KAFKA_BROKERS; fails if missing or
// unreachable): the same contract as KafkaSink across the thread boundary — a write resolves only
// once acknowledged, failures arrive as retriable coded errors within our own timeout, close()
// lets in-flight sends finish — and a thread that cannot run fails writes instead of hanging them.
import { strict as assert } from 'node:assert'
import { after, before, describe, it } from 'node:test'
import type { Kafka } from 'kafkajs'
import { isAppError } from '../../../gateway/errors.ts'
import { createGatewayMetrics } from '../../../gateway/health/gateway-metrics.ts'
import { KafkaWorkerSink } from '../../../gateway/sink/kafka-worker-sink.ts'
import type { KafkaWorkerInit } from '../../../gateway/sink/kafka-worker-protocol.ts'
import type { Stream } from '../../../gateway/sink/telemetry-sink.ts'
import { freePort } from '../../../local-stack/preflight.ts'
import { createTestTopics, deleteTestTopics, kafkaConnectionFromEnv, kafkaFromEnv, TopicCollector } from '../helpers/kafka-fixture.ts'

const init = (topics: Record<Stream, string>, over: Partial<KafkaWorkerInit> = {}): KafkaWorkerInit => ({
  kafka: kafkaConnectionFromEnv(),
  clientSuffix: 'gateway-test',
  topics,
  sendTimeoutMs: 5_000,
  lingerMs: 2,
  maxBatchRecords: 500,
  maxInFlightBatches: 4,
  maxPendingRecords: 10_000,
  reconnectMs: 500,
  ...over,
})

describe('KafkaWorkerSink (Kafka producer on its own thread) on the real Kafka', () => {
  let kafka: Kafka
  let topics: Record<Stream, string>
  let collector: TopicCollector

  before(async () => {
    kafka = kafkaFromEnv()
    topics = await createTestTopics(kafka)
    collector = await TopicCollector.start(kafka, Object.values(topics))
  })
  after(async () => {
    await collector?.stop()
    if (topics) await deleteTestTopics(kafka, topics)
  })

  it('write resolves once acknowledged; records land on their stream topic keyed by deviceId; ack latency is observed', async () => {
    const metrics = createGatewayMetrics()
    const sink = new KafkaWorkerSink({ init: init(topics), ackLatency: metrics.kafkaAckSeconds })
    try {
      assert.equal(await sink.start(), true, 'the thread connects to Kafka')
      assert.equal(sink.status().accepting, true)
      const n = 60
      await Promise.all(
        Array.from({ length: n }, (_, i) =>
          sink.write([
            { stream: 'readings', key: `w-${i % 6}`, value: JSON.stringify({ probe: 'thread', i }) },
            { stream: 'events', key: `w-${i % 6}`, value: JSON.stringify({ probe: 'thread', i }) },
          ]),
        ),
      )
      const got = await collector.waitFor(topics.readings, (v) => v.probe === 'thread', n)
      assert.deepEqual(new Set(got.map((v) => v.i)), new Set(Array.from({ length: n }, (_, i) => i)))
      await collector.waitFor(topics.events, (v) => v.probe === 'thread', n)
      const keys = collector.messages.filter((m) => m.topic === topics.readings && m.value.includes('"thread"')).map((m) => m.key)
      assert.deepEqual([...new Set(keys)].sort(), ['w-0', 'w-1', 'w-2', 'w-3', 'w-4', 'w-5'])
      assert.match(metrics.registry.render(), /gateway_kafka_ack_seconds_count [1-9]/, 'acks measured in the thread reach the /metrics histogram')
    } finally {
      await sink.close()
    }
  })

  it('a send that cannot complete fails within our own timeout, as a retriable coded error', async () => {
    const sink = new KafkaWorkerSink({ init: init({ ...topics, readings: `${topics.readings}.missing` }, { sendTimeoutMs: 1_500 }) })
    try {
      await sink.start()
      const t0 = Date.now()
      await assert.rejects(sink.write([{ stream: 'readings', key: 'x', value: '{}' }]), (e: unknown) => isAppError(e) && e.retriable && (e.code === 'GW_ERR_KAFKA_TIMEOUT' || e.code === 'GW_ERR_KAFKA_SEND'))
      assert.ok(Date.now() - t0 < 4_000, `failed after ${Date.now() - t0} ms`)
    } finally {
      await sink.close()
    }
  })

  it('close() lets in-flight writes finish, then stops the thread; later writes fail GW_ERR_SINK_CLOSED', async () => {
    const sink = new KafkaWorkerSink({ init: init(topics, { lingerMs: 50 }) })
    assert.equal(await sink.start(), true)
    const writes = Array.from({ length: 20 }, (_, i) => sink.write([{ stream: 'readings', key: 'c', value: JSON.stringify({ probe: 'close', i }) }]))
    await sink.close()
    await Promise.all(writes)
    await collector.waitFor(topics.readings, (v) => v.probe === 'close', 20)
    assert.equal(sink.status().accepting, false)
    await assert.rejects(sink.write([{ stream: 'readings', key: 'c', value: '{}' }]), (e: unknown) => isAppError(e) && e.code === 'GW_ERR_SINK_CLOSED')
  })

  it('Kafka unreachable at start: start() says so, nothing is accepted, a write fails retriable within the timeout', async () => {
    const closed = await freePort()
    const sink = new KafkaWorkerSink({ init: init(topics, { kafka: { ...kafkaConnectionFromEnv(), brokers: [`127.0.0.1:${closed}`], connectionTimeoutMs: 300 }, sendTimeoutMs: 1_000 }) })
    try {
      assert.equal(await sink.start(), false)
      assert.equal(sink.status().accepting, false)
      await assert.rejects(sink.write([{ stream: 'readings', key: 'u', value: '{}' }]), (e: unknown) => isAppError(e) && e.retriable)
    } finally {
      await sink.close()
    }
  })

  it('a thread that dies (unreadable TLS CA file) fails writes as retriable and stops accepting, never hangs them', async () => {
    let reported: Error | undefined
    const sink = new KafkaWorkerSink({
      init: init(topics, { kafka: { ...kafkaConnectionFromEnv(), ssl: true, sslCaFile: '/nonexistent/ca.pem' } }),
      onThreadError: (err) => (reported = err),
    })
    assert.equal(await sink.start(), false)
    assert.match(String(reported?.message), /ca\.pem|ENOENT/)
    assert.equal(sink.status().accepting, false)
    await assert.rejects(sink.write([{ stream: 'readings', key: 'd', value: '{}' }]), (e: unknown) => isAppError(e) && e.code === 'GW_ERR_KAFKA_SEND' && e.retriable)
    await sink.close()
  })
})
