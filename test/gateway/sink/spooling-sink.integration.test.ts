// Spool mode against the REAL Kafka. The shared Kafka must not be stopped here, so "Kafka cannot
// take the records" is produced for real by a readings topic that does not exist yet (auto-create
// is off): sends fail after our timeout, QoS 1 publishes are acknowledged from the fsync'd spool;
// once the topic is created, the spool replays into Kafka in order and every acknowledged
// (deviceId, seq) is there. (Stopping Kafka / SIGKILL of the gateway are the lead's suite.)
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import type { Kafka } from 'kafkajs'
import mqtt from 'mqtt'
import { systemClock } from '../../../gateway/clock.ts'
import { createGatewayMetrics } from '../../../gateway/health/gateway-metrics.ts'
import { KafkaSink } from '../../../gateway/sink/kafka-sink.ts'
import { Spool } from '../../../gateway/sink/spool.ts'
import { SpoolingSink } from '../../../gateway/sink/spooling-sink.ts'
import { KafkaWorkerSink } from '../../../gateway/sink/kafka-worker-sink.ts'
import type { Stream, TelemetrySink } from '../../../gateway/sink/telemetry-sink.ts'
import { createTopicsReady } from '../../../provision/topic-leaders.ts'
import { createTestTopics, deleteTestTopics, kafkaConnectionFromEnv, kafkaFromEnv, TopicCollector } from '../helpers/kafka-fixture.ts'
import { passwordOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

// The primary in both ways the gateway runs it: KafkaSink on the event loop, and the same sink on
// a thread of its own (--delivery-kafka-thread), whose failures and status cross threads.
const primaries = {
  'in-process producer': (kafka: Kafka, topics: Record<Stream, string>): TelemetrySink & { start(): Promise<boolean> } =>
    new KafkaSink({ kafka, topics, clock: systemClock, sendTimeoutMs: 1_500, lingerMs: 2, maxBatchRecords: 500, maxInFlightBatches: 2, maxPendingRecords: 10_000, reconnectMs: 200 }),
  'producer on its own thread': (_kafka: Kafka, topics: Record<Stream, string>): TelemetrySink & { start(): Promise<boolean> } =>
    new KafkaWorkerSink({
      init: { kafka: kafkaConnectionFromEnv(), clientSuffix: 'gateway-test', topics, sendTimeoutMs: 1_500, lingerMs: 2, maxBatchRecords: 500, maxInFlightBatches: 2, maxPendingRecords: 10_000, reconnectMs: 200 },
    }),
}

for (const [mode, makePrimary] of Object.entries(primaries)) {
  describe(`spooling sink on the real Kafka (${mode})`, () => {
    let kafka: Kafka
    let topics: Record<Stream, string>
    let late: Record<Stream, string>
    let collector: TopicCollector | undefined
    let gw: TestGateway | undefined
    let sink: SpoolingSink | undefined
    const dir = mkdtempSync(join(tmpdir(), 'gw-spool-int-'))
    const metrics = createGatewayMetrics()

    before(async () => {
      kafka = kafkaFromEnv()
      topics = await createTestTopics(kafka, 1)
      late = { ...topics, readings: `${topics.readings}.late` }
      const primary = makePrimary(kafka, late)
      assert.equal(await primary.start(), true)
      sink = new SpoolingSink({ primary, spool: Spool.open({ dir, maxBytes: 1 << 24, segmentBytes: 1 << 16 }), clock: systemClock, replayRetryMs: 200, metrics })
      gw = await startTestGateway({ sink, limits: { publishRatePerSec: 1_000, publishBurst: 1_000 } })
    })
    after(async () => {
      await gw?.close()
      await sink?.close()
      await collector?.stop()
      await deleteTestTopics(kafka, late)
      rmSync(dir, { recursive: true, force: true })
    })

    it('acks from the spool while Kafka cannot store, then replays every acked reading in order', async () => {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw?.port}`, { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1'), keepalive: 30, protocolVersion: 4, reconnectPeriod: 0 })
      const acked: number[] = []
      for (let seq = 1; seq <= 40; seq++) {
        await client.publishAsync('devices/dev-1/telemetry', JSON.stringify({ seq, temperature: 20 }), { qos: 1 })
        acked.push(seq)
      }
      await client.endAsync()
      assert.equal(sink?.mode, 'spooling')
      assert.equal(metrics.spooled.get() >= 40, true)
      assert.ok((sink?.status().spoolBytes ?? 0) > 0)

      const admin = kafka.admin()
      await admin.connect()
      await createTopicsReady(admin, [{ topic: late.readings, numPartitions: 1, replicationFactor: 1 }])
      await admin.disconnect()
      collector = await TopicCollector.start(kafka, [late.readings])
      const got = await collector.waitFor(late.readings, (v) => v.deviceId === 'dev-1', acked.length, 30_000)
      assert.deepEqual(got.map((v) => v.seq), acked, 'every acknowledged seq, in order')
      const mode = (): string => sink?.mode ?? ''
      for (let i = 0; i < 100 && mode() !== 'direct'; i++) await new Promise((r) => setTimeout(r, 50))
      assert.equal(mode(), 'direct')
      assert.equal(sink?.status().spoolBytes, 0)
      assert.equal(metrics.replayed.get() >= 40, true)
    })
  })
}
