// The gateway's named metrics (issue 4 §8). Every limit that fires increments `limit_hits` with
// the limit's name, so an operator sees which protection is doing the work. `pipeline` holds the
// same counts per device for GET /api/pipeline (contracts/pipeline-counters.ts).
import { PipelineTally } from '../../contracts/pipeline-counters.ts'
import { MetricsRegistry, type Counter, type Histogram } from './metrics.ts'

export interface GatewayMetrics {
  registry: MetricsRegistry
  connectionsTotal: Counter
  connectRefused: Counter
  limitHits: Counter
  aclDenied: Counter
  received: Counter
  accepted: Counter
  rejected: Counter
  sensorReadFailures: Counter
  deviceEvents: Counter
  unacked: Counter
  spooled: Counter
  replayed: Counter
  clientErrors: Counter
  kafkaAckSeconds: Histogram
  /** publish in → durable (the QoS 1 PUBACK is written right after): what a device waits in the gateway */
  durableSeconds: Histogram
  /** per-device received/accepted/rejected:<REASON>/spooled/replayed, flushed to Cassandra */
  pipeline: PipelineTally
  counterFlushFailures: Counter
}

/** seconds: 1 ms (a quiet local Kafka) to 5 s (the default send timeout) */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]

export function createGatewayMetrics(): GatewayMetrics {
  const r = new MetricsRegistry()
  return {
    registry: r,
    connectionsTotal: r.counter('gateway_connections_total', 'sockets accepted, by listener'),
    connectRefused: r.counter('gateway_connect_refused_total', 'CONNECTs refused, by reason'),
    limitHits: r.counter('gateway_limit_hits_total', 'times a limit fired, by limit'),
    aclDenied: r.counter('gateway_acl_denied_total', 'publishes or subscriptions denied by the ACL, by reason'),
    received: r.counter('gateway_messages_received_total', 'PUBLISH packets that passed the ACL, by dialect'),
    accepted: r.counter('gateway_readings_accepted_total', 'canonical readings made durable'),
    rejected: r.counter('gateway_messages_rejected_total', 'messages dead-lettered, by reason'),
    sensorReadFailures: r.counter('gateway_sensor_read_failures_total', 'NaN metric values dropped (sensor read failures)'),
    deviceEvents: r.counter('gateway_device_events_total', 'device events made durable, by kind'),
    unacked: r.counter('gateway_publish_not_acked_total', 'publishes left unacknowledged because nothing could be made durable, by code'),
    spooled: r.counter('gateway_spooled_records_total', 'records appended to the on-disk spool'),
    replayed: r.counter('gateway_replayed_records_total', 'spooled records delivered to Kafka'),
    clientErrors: r.counter('gateway_client_errors_total', 'connections closed on a protocol or socket error'),
    pipeline: new PipelineTally(),
    counterFlushFailures: r.counter('gateway_pipeline_counter_flush_failures_total', 'pipeline counter flushes to Cassandra that failed (rows kept for the next one)'),
    kafkaAckSeconds: r.histogram('gateway_kafka_ack_seconds', 'time from send to Kafka acknowledgement (acks=all)', LATENCY_BUCKETS),
    durableSeconds: r.histogram('gateway_publish_durable_seconds', 'time from a publish passing the ACL to its records being durable (Kafka or spool); the PUBACK follows', LATENCY_BUCKETS),
  }
}
