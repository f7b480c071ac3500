// Settings of `npm run processor`: one TypeBox schema gives the defaults, flags, IOT_* variables,
// --help and the validation (config/load-config.ts). Units are in the names; defaults commented.
import { Type, type Static } from '@sinclair/typebox'
import { CassandraConnection } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'
import { Topics } from '../contracts/topics.ts'

export const ProcessorSettings = Type.Object({
  groupId: Type.String({ minLength: 1, default: 'iot-processor', description: 'Kafka consumer group (instances of one group share partitions)' }),
  instanceId: Type.String({ default: '', description: 'name of this instance in logs and checkpoints (default: host-pid)' }),
  readingsTopic: Type.String({ minLength: 1, default: Topics.readings, description: 'topic of canonical readings' }),
  dlqTopic: Type.String({ minLength: 1, default: Topics.readingsDlq, description: 'topic for records the processor rejects' }),
  anomaliesTopic: Type.String({ minLength: 1, default: Topics.anomalies, description: 'topic anomalies are published to (open and close)' }),
  deviceEventsTopic: Type.String({ default: Topics.deviceEvents, description: 'topic of device session events (a Will or status offline opens an offline anomaly); empty = off' }),
  windowSizesMs: Type.Array(Type.Integer({ minimum: 1_000, maximum: 86_400_000 }), {
    minItems: 1,
    default: [60_000, 3_600_000],
    description: 'tumbling window sizes, ms, comma-separated (1 min and 1 h); must divide a UTC day',
  }),
  allowedLatenessMs: Type.Integer({ minimum: 0, maximum: 86_400_000, default: 10_000, description: 'watermark = max event time - this; a window closes when the watermark passes its end (10 s)' }),
  idleTimeoutMs: Type.Integer({ minimum: 100, default: 30_000, description: 'a partition with no records this long moves its watermark on by the wall time since its last record (30 s)' }),
  maxFutureMs: Type.Integer({ minimum: 0, default: 300_000, description: 'readings with eventTime more than this after receivedAt go to the DLQ (5 min)' }),
  defaultReportingIntervalMs: Type.Integer({ minimum: 0, default: 0, description: 'reporting interval for expected counts when neither rules nor the stream give one; 0 = unknown' }),
  rawStorage: Type.Boolean({ default: true, description: 'store raw readings in readings_raw (--no-processor-raw-storage to switch off)' }),
  // Held back so one device's readings go to Cassandra as one mutation (raw-write-behind.ts).
  // Raw rows are always durable before the checkpoint that passes them, so this adds nothing to
  // what a crash can lose, only to how soon a reading is listed by GET /api/devices/:id/readings
  // (windows and anomalies are not held back). 5 s, the checkpoint interval: Cassandra's CPU per
  // reading was 85 µs writing with each batch (two runs), 49–54 at 1 s (two) and 38 at 5 s (one;
  // `npm run bench -- pipeline --rates 6500 --duration 120s`, 2026-12-06). Metrics agents
  // hold back longer by default (Telegraf's flush_interval: 10 s).
  rawWriteDelayMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 5_000, description: 'longest a raw reading is held back so a device\'s readings are written as one mutation, ms (5 s; 0 = write with each batch)' }),
  rawWriteMaxRows: Type.Integer({ minimum: 1, maximum: 1_000_000, default: 10_000, description: 'raw readings held back per partition at most before they are written whatever their age' }),
  rawTtlS: Type.Integer({ minimum: 0, default: 2_592_000, description: 'TTL of raw rows, s (30 days; 0 = the table default)' }),
  sessionTimeoutMs: Type.Integer({ minimum: 3_000, maximum: 300_000, default: 30_000, description: 'Kafka group session timeout: how long a dead instance keeps its partitions (30 s)' }),
  // 5 s: a checkpoint serialises the partition's whole state (~2.6 kB of JSON per device), so at
  // 1 s it was the processor's largest cost with 1,000 devices (18 % of its busy time, profiled
  // under `npm run bench -- pipeline`); a crash replays at most this much more. Kafka Streams
  // commits every 30 s by default, Flink deployments checkpoint every few seconds to minutes.
  checkpointIntervalMs: Type.Integer({ minimum: 0, default: 5_000, description: 'how often a partition checkpoints its state and commits its offset (5 s)' }),
  writeConcurrency: Type.Integer({ minimum: 1, maximum: 2_048, default: 128, description: 'Cassandra writes in flight per instance' }),
  writeBatchMaxPartitions: Type.Integer({
    minimum: 1,
    maximum: 10,
    default: 10,
    description: 'partitions one unlogged batch may span when every node holds every partition (1 = single-partition batches only; 10 = Cassandra\'s warning threshold)',
  }),
  writeBatchMaxBytes: Type.Integer({ minimum: 500, maximum: 50_000, default: 5_000, description: 'estimated data bytes of a multi-partition batch (Cassandra warns above 5 KiB)' }),
  fetchMinBytes: Type.Integer({ minimum: 1, default: 65_536, description: 'Kafka fetch: bytes to wait for, up to fetchMaxWaitMs (bigger batches, fewer Cassandra requests; 64 KiB)' }),
  fetchMaxWaitMs: Type.Integer({ minimum: 0, maximum: 5_000, default: 100, description: 'Kafka fetch: longest wait for fetchMinBytes, ms (adds at most this to latency; 100 ms)' }),
  writeRetries: Type.Integer({ minimum: 0, maximum: 20, default: 5, description: 'retries of a retriable write before the partition pauses' }),
  retryBaseMs: Type.Integer({ minimum: 1, default: 100, description: 'first retry backoff, doubled each time with jitter (100 ms)' }),
  retryMaxMs: Type.Integer({ minimum: 1, default: 5_000, description: 'backoff ceiling (5 s)' }),
  pipelineCounters: Type.Boolean({ default: true, description: 'write per-device pipeline counters to Cassandra (--no-processor-pipeline-counters to switch off)' }),
  pipelineCountersIntervalMs: Type.Integer({ minimum: 100, default: 5_000, description: 'pipeline counter flush period, ms (5 s)' }),
  rulesFile: Type.String({ default: '', description: 'JSON anomaly rules file (processor/anomalies/rules-file.ts); empty = built-in defaults' }),
  httpHost: Type.String({ default: '127.0.0.1', description: 'health/metrics listen address' }),
  httpPort: Type.Integer({ minimum: 0, maximum: 65_535, default: 9_103, description: 'health/metrics port (0 = any free port; the gateway has 9102)' }),
  logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error'), Type.Literal('silent')], {
    default: 'info',
    description: 'log level',
  }),
})
export type ProcessorSettings = Static<typeof ProcessorSettings>

export const ProcessorConfig = Type.Object({
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
  processor: ProcessorSettings,
})
export type ProcessorConfig = Static<typeof ProcessorConfig>
