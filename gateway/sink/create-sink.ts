// Chooses the delivery mode from configuration: ack-after-Kafka (no spool), or ack-after-Kafka
// with the fsync'd on-disk spool taking over while Kafka is unreachable. With
// --delivery-kafka-thread the Kafka producer runs on a thread of its own (same contract).
import { Kafka } from 'kafkajs'
import type { Logger } from 'pino'
import { kafkaClientConfig } from '../../config/kafka-connection.ts'
import type { Clock } from '../clock.ts'
import type { GatewayConfig } from '../config.ts'
import type { GatewayMetrics } from '../health/gateway-metrics.ts'
import { KafkaSink } from './kafka-sink.ts'
import { KafkaWorkerSink } from './kafka-worker-sink.ts'
import { Spool } from './spool.ts'
import { SpoolingSink } from './spooling-sink.ts'
import type { TelemetrySink } from './telemetry-sink.ts'

export interface CreateSinkDeps {
  config: GatewayConfig
  clock: Clock
  metrics: GatewayMetrics
  log: Logger
}

export async function createSink(deps: CreateSinkDeps): Promise<TelemetrySink> {
  const { config } = deps
  const d = config.delivery
  const shared = {
    topics: { readings: config.topics.readings, dlq: config.topics.dlq, events: config.topics.deviceEvents },
    sendTimeoutMs: d.sendTimeoutMs,
    lingerMs: d.lingerMs,
    maxBatchRecords: d.maxBatchRecords,
    maxInFlightBatches: d.maxInFlightBatches,
    maxPendingRecords: config.limits.maxPendingRecords,
    reconnectMs: d.replayRetryMs,
  }
  // With the Kafka thread, the Kafka client is built on that thread (kafka-worker.ts), not here.
  const kafkaSink = d.kafkaThread
    ? new KafkaWorkerSink({
        init: { ...shared, kafka: config.kafka, clientSuffix: 'gateway' },
        ackLatency: deps.metrics.kafkaAckSeconds,
        onThreadError: (err) => deps.log.error({ err: err.message }, 'Kafka thread failed: not acknowledging until restart'),
      })
    : new KafkaSink({ ...shared, kafka: new Kafka(kafkaClientConfig(config.kafka, 'gateway')), clock: deps.clock, ackLatency: deps.metrics.kafkaAckSeconds })
  const up = await kafkaSink.start()
  if (!up) deps.log.warn({ brokers: config.kafka.brokers }, 'Kafka unreachable at start; retrying in the background')
  if (!d.spoolDir) return kafkaSink
  const spool = Spool.open({ dir: d.spoolDir, maxBytes: d.spoolMaxBytes, segmentBytes: d.spoolSegmentBytes })
  if (!spool.isEmpty()) deps.log.info({ bytes: spool.bytes }, 'spooled records from a previous run will be replayed')
  return new SpoolingSink({ primary: kafkaSink, spool, clock: deps.clock, replayRetryMs: d.replayRetryMs, metrics: deps.metrics, log: deps.log })
}
