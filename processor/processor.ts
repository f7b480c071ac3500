// Builds a running processor from a configuration: Cassandra client and store, Kafka consumer,
// health/metrics HTTP. main.ts and the tests both start it through here.
import { hostname } from 'node:os'
import type { Server } from 'node:http'
import { Kafka } from 'kafkajs'
import { pino, type Logger } from 'pino'
import { createCassandraClient } from '../config/cassandra-connection.ts'
import { ConfigError } from '../config/errors.ts'
import { kafkaClientConfig } from '../config/kafka-connection.ts'
import { Rules } from './anomalies/rules-file.ts'
import type { ProcessorConfig } from './config.ts'
import { DeviceEventsConsumer } from './consume/device-events-consumer.ts'
import { PipelinePublisher } from './consume/pipeline-publisher.ts'
import { ReadingsConsumer } from './consume/readings-consumer.ts'
import { startHealthServer } from './health/http-server.ts'
import { LatencyHistogram, newCounters, prometheusText, type ProcessorCounters } from './health/metrics.ts'
import { CassandraStore } from './store/cassandra-store.ts'
import { fastReconnect } from './store/fast-reconnect.ts'

export interface RunningProcessor {
  consumer: ReadingsConsumer
  store: CassandraStore
  counters: ProcessorCounters
  closeToDurable: LatencyHistogram
  httpPort: number
  log: Logger
  stop(): Promise<void>
}

export interface StartOptions {
  clock?: () => number
  sessionTimeoutMs?: number
  logger?: Logger
}

export async function startProcessor(cfg: ProcessorConfig, opts: StartOptions = {}): Promise<RunningProcessor> {
  const s = cfg.processor
  const badSizes = s.windowSizesMs.filter((w) => 86_400_000 % w !== 0)
  // A window must not straddle UTC midnight: its row's partition is the day of window_start.
  if (badSizes.length) throw new ConfigError(badSizes.map((w) => `--processor-window-sizes-ms: ${w} does not divide a day (86400000 ms)`))
  const log = opts.logger ?? pino({ level: s.logLevel, base: { svc: 'processor' }, redact: ['*.password', '*.saslPassword'] })
  const instanceId = s.instanceId || `${hostname()}-${process.pid}`
  const rules = Rules.load(s.rulesFile)
  const client = createCassandraClient(cfg.cassandra, fastReconnect())
  const store = new CassandraStore(client, {
    rawTtlS: s.rawTtlS,
    concurrency: s.writeConcurrency,
    retry: { retries: s.writeRetries, baseMs: s.retryBaseMs, maxMs: s.retryMaxMs },
    batch: { maxPartitions: s.writeBatchMaxPartitions, maxBytes: s.writeBatchMaxBytes, maxRows: 100 },
  })
  const counters = newCounters()
  const closeToDurable = new LatencyHistogram()
  const kafka = new Kafka(kafkaClientConfig(cfg.kafka, `processor-${instanceId}`))
  const pipeline = s.pipelineCounters
    ? new PipelinePublisher({
        client,
        groupId: s.groupId,
        topic: s.readingsTopic,
        intervalMs: s.pipelineCountersIntervalMs,
        log,
        onFailure: () => void counters.pipelineCounterFlushFailures++,
        ...(opts.clock ? { now: opts.clock } : {}),
      })
    : undefined
  const consumer = new ReadingsConsumer({
    kafka,
    store,
    settings: s,
    rules,
    counters,
    closeToDurable,
    instanceId,
    log,
    ...(opts.clock ? { clock: opts.clock } : {}),
    sessionTimeoutMs: opts.sessionTimeoutMs ?? s.sessionTimeoutMs,
    ...(pipeline ? { pipeline } : {}),
  })
  const eventsProducer = kafka.producer({ allowAutoTopicCreation: false })
  const events = s.deviceEventsTopic
    ? new DeviceEventsConsumer({
        kafka,
        producer: eventsProducer,
        store,
        groupId: s.groupId,
        topic: s.deviceEventsTopic,
        anomaliesTopic: s.anomaliesTopic,
        sessionTimeoutMs: opts.sessionTimeoutMs ?? s.sessionTimeoutMs,
        log,
      })
    : null
  let storeOk = true
  const probe = setInterval(() => {
    store.ping().then(
      () => void (storeOk = true),
      () => void (storeOk = false),
    )
  }, 2_000)
  let server: Server | undefined
  let httpPort = 0
  try {
    await client.connect()
    await consumer.start()
    if (events) {
      await eventsProducer.connect()
      await events.start()
    }
    const http = await startHealthServer(s.httpHost, s.httpPort, {
      ready: () => {
        const st = consumer.status()
        const reasons: string[] = []
        if (!st.joined) reasons.push('not in the consumer group yet')
        if (st.paused.length) reasons.push(`partitions ${st.paused.join(',')} paused: ${st.lastError ?? 'store unavailable'}`)
        if (st.crashed) reasons.push(`consumer crashed: ${st.crashed}`)
        if (!storeOk) reasons.push('Cassandra not answering')
        return { ready: reasons.length === 0, reasons, detail: { instanceId, partitions: st.partitions } }
      },
      metrics: () =>
        prometheusText({
          counters,
          writes: () => store.writes,
          requests: () => store.requests,
          lag: () => consumer.lag(),
          openWindows: () => consumer.openWindows(),
          rawPending: () => consumer.rawPending(),
          pausedPartitions: () => consumer.pausedCount,
          closeToDurable,
        }),
    })
    server = http.server
    httpPort = http.port
  } catch (err) {
    clearInterval(probe)
    await consumer.stop().catch(() => {})
    await pipeline?.close(1_000)
    await events?.stop()
    await eventsProducer.disconnect().catch(() => {})
    await client.shutdown().catch(() => {})
    throw err
  }
  log.info({ instanceId, httpPort, topic: s.readingsTopic, groupId: s.groupId }, 'processor started')
  return {
    consumer,
    store,
    counters,
    closeToDurable,
    httpPort,
    log,
    stop: async () => {
      clearInterval(probe)
      await new Promise<void>((resolve) => {
        if (!server) return resolve()
        server.close(() => resolve())
        server.closeAllConnections()
      })
      await Promise.all([consumer.stop(), events?.stop()])
      // After the last checkpoints (consumer.stop) so their counts are in the last write.
      await pipeline?.close(5_000)
      await eventsProducer.disconnect().catch(() => {})
      await client.shutdown()
    },
  }
}
