// Kafka unreachable mid-stream, produced for real: the gateway talks to the REAL Kafka through a
// socket factory whose connections are reset and refused on demand (the shared broker itself is
// never stopped here; stopping the Kafka process and SIGKILLing the gateway are the lead's suite).
// Without a spool: no PUBACK for what is not in Kafka, connection closed, new CONNECTs refused
// (code 3) until Kafka is back. With a spool: publishes keep being acknowledged from disk and
// every acknowledged (deviceId, seq) is in Kafka after the network returns.
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
import type { Stream, TelemetrySink } from '../../../gateway/sink/telemetry-sink.ts'
import { cuttableKafka, type CuttableKafka } from '../helpers/cuttable-network.ts'
import { createTestTopics, deleteTestTopics, kafkaFromEnv, TopicCollector } from '../helpers/kafka-fixture.ts'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import { loginOf, startTestGateway, type TestGateway } from '../helpers/test-gateway.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

describe('Kafka unreachable mid-stream (network cut to the real Kafka)', () => {
  let direct: Kafka
  let topics: Record<Stream, string>
  let collector: TopicCollector
  const dir = mkdtempSync(join(tmpdir(), 'gw-partition-'))

  before(async () => {
    direct = kafkaFromEnv()
    topics = await createTestTopics(direct, 1)
    collector = await TopicCollector.start(direct, Object.values(topics))
  })
  after(async () => {
    await collector?.stop()
    if (topics) await deleteTestTopics(direct, topics)
    rmSync(dir, { recursive: true, force: true })
  })

  const metrics = createGatewayMetrics()
  async function setup(withSpool: boolean): Promise<{ net: CuttableKafka; sink: TelemetrySink; gw: TestGateway }> {
    const net = await cuttableKafka()
    const kafkaSink = new KafkaSink({ kafka: net.kafka, topics, clock: systemClock, sendTimeoutMs: 1_500, lingerMs: 2, maxBatchRecords: 500, maxInFlightBatches: 2, maxPendingRecords: 10_000, reconnectMs: 200 })
    assert.equal(await kafkaSink.start(), true)
    const sink = withSpool ? new SpoolingSink({ primary: kafkaSink, spool: Spool.open({ dir: join(dir, 'spool'), maxBytes: 1 << 24, segmentBytes: 1 << 16 }), clock: systemClock, replayRetryMs: 200, metrics }) : kafkaSink
    const gw = await startTestGateway({ sink, limits: { publishRatePerSec: 10_000, publishBurst: 10_000 } })
    return { net, sink, gw }
  }

  it('without a spool: nothing unstored is acknowledged; connects refused until Kafka is back', async () => {
    const { net, sink, gw } = await setup(false)
    try {
      const a = await connectRaw(gw.port, loginOf('dev-1'))
      a.c.send(publishPacket('devices/dev-1/telemetry', '{"seq":1,"temperature":20}', 1, 1))
      assert.ok(await a.c.next('puback', 5_000))
      net.cut()
      a.c.send(publishPacket('devices/dev-1/telemetry', '{"seq":2,"temperature":20}', 1, 2))
      assert.equal(await a.c.next('puback', 3_000), null, 'no PUBACK for a reading Kafka does not have')
      assert.ok(await a.c.closesWithin(2_000), 'connection closed so the device resends')
      assert.equal(sink.status().accepting, false)
      const b = await connectRaw(gw.port, loginOf('dev-1'))
      assert.equal(b.returnCode, 3, 'server unavailable while nothing can be made durable')
      net.restore()
      for (let i = 0; i < 100 && !sink.status().accepting; i++) await sleep(100)
      assert.equal(sink.status().accepting, true, 'probe saw Kafka back')
      const c = await connectRaw(gw.port, loginOf('dev-1'))
      assert.equal(c.returnCode, 0)
      c.c.send(publishPacket('devices/dev-1/telemetry', '{"seq":2,"temperature":20}', 1, 2))
      assert.ok(await c.c.next('puback', 5_000), 'the resend is acknowledged once stored')
      c.c.destroy()
      const got = await collector.waitFor(topics.readings, (v) => v.deviceId === 'dev-1', 2)
      assert.deepEqual([...new Set(got.map((v) => v.seq))].sort(), [1, 2])
    } finally {
      net.restore()
      await gw.close()
      await sink.close()
    }
  })

  it('with a spool: acknowledged throughout the cut; every acknowledged seq is in Kafka afterwards', async () => {
    const { net, sink, gw } = await setup(true)
    try {
      const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${gw.port}`, { ...loginOf('dev-2'), keepalive: 30, protocolVersion: 4, reconnectPeriod: 0 })
      const acked: number[] = []
      for (let seq = 1; seq <= 120; seq++) {
        if (seq === 40) net.cut()
        if (seq === 90) net.restore()
        await client.publishAsync('devices/dev-2/telemetry', JSON.stringify({ seq, temperature: 20 }), { qos: 1 })
        acked.push(seq)
      }
      await client.endAsync()
      const got = await collector.waitFor(topics.readings, (v) => v.deviceId === 'dev-2', acked.length, 30_000)
      const seen = new Set(got.map((v) => v.seq))
      assert.deepEqual(acked.filter((s) => !seen.has(s)), [], 'no acknowledged reading missing')
      for (let i = 0; i < 100 && sink.status().spoolBytes > 0; i++) await sleep(100)
      assert.equal(sink.status().spoolBytes, 0, 'spool drained')
      assert.ok(metrics.spooled.get() > 0 && metrics.replayed.get() >= metrics.spooled.get(), `spooled ${metrics.spooled.get()}, replayed ${metrics.replayed.get()}`)
    } finally {
      net.restore()
      await gw.close()
      await sink.close()
    }
  })
})
