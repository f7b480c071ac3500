// The gateway's whole configuration: one TypeBox schema gives flags (--mqtt-port), IOT_* variables
// (IOT_MQTT_PORT), defaults, --help and validation (config/load-config.ts). Every limit has a safe
// default and names the threat it blocks; delivery-and-security.md B.6 / B.9 is the source.
import { Type, type Static } from '@sinclair/typebox'
import { CassandraConnection } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'
import { loadConfig, type LoadOptions } from '../config/load-config.ts'
import { ConfigError } from '../config/errors.ts'
import { Topics } from '../contracts/topics.ts'

const Port = (def: number, description: string) => Type.Integer({ minimum: 0, maximum: 65535, default: def, description })

export const GatewayConfig = Type.Object({
  mqtt: Type.Object({
    host: Type.String({ default: '0.0.0.0', description: 'MQTT TCP listen address' }),
    port: Port(1883, 'MQTT TCP port (0 = any free port)'),
  }),
  tls: Type.Object({
    enabled: Type.Boolean({ default: false, description: 'also listen for MQTT over TLS' }),
    port: Port(8883, 'MQTT TLS port'),
    certFile: Type.String({ default: '', description: 'PEM certificate chain for the TLS listener' }),
    keyFile: Type.String({ default: '', description: 'PEM private key for the TLS listener (never logged)' }),
  }),
  ws: Type.Object({
    enabled: Type.Boolean({ default: false, description: 'also listen for MQTT over WebSocket' }),
    port: Port(8083, 'MQTT WebSocket port'),
  }),
  // Named gatewayHttp, not http: the API's --http-port / IOT_HTTP_PORT is its public port, and one
  // exported variable must not move two services.
  gatewayHttp: Type.Object({
    host: Type.String({ default: '127.0.0.1', description: 'health/metrics HTTP listen address' }),
    port: Port(9102, 'health/metrics HTTP port (/health, /ready, /metrics)'),
  }),
  auth: Type.Object({
    credentialsFile: Type.String({ default: 'gateway-devices.json', description: 'device credentials file (deviceId → scrypt hash)' }),
    allowAnonymous: Type.Boolean({ default: false, description: 'accept CONNECT without username/password (demo only)' }),
  }),
  limits: Type.Object({
    maxPacketBytes: Type.Integer({ minimum: 64, maximum: 268_435_455, default: 16_384, description: 'largest MQTT packet, bytes; checked from the fixed header before buffering (aedes #831)' }),
    maxClientIdLength: Type.Integer({ minimum: 1, maximum: 64, default: 64, description: 'longest client id, chars ([A-Za-z0-9_-] only)' }),
    maxConnections: Type.Integer({ minimum: 1, default: 20_000, description: 'open sockets across listeners; more are closed at accept (connection flood)' }),
    publishRatePerSec: Type.Number({ exclusiveMinimum: 0, default: 20, description: 'per-device sustained publish rate, messages/s (token bucket)' }),
    publishBurst: Type.Integer({ minimum: 1, default: 40, description: 'per-device publish burst, messages' }),
    throttleMaxWaitMs: Type.Integer({ minimum: 0, default: 1_000, description: 'a publish over the rate waits up to this long, ms, then the device is disconnected' }),
    connectTimeoutMs: Type.Integer({ minimum: 100, default: 10_000, description: 'socket closed if no CONNECT arrives within this, ms (slow-loris)' }),
    keepaliveMinSec: Type.Integer({ minimum: 1, default: 10, description: 'smallest accepted keepalive, s (must be ≥ 2 × send timeout)' }),
    keepaliveMaxSec: Type.Integer({ minimum: 1, maximum: 65535, default: 120, description: 'largest accepted keepalive, s; 0 is refused (half-open sockets held forever)' }),
    drainTimeoutMs: Type.Integer({ minimum: 1_000, default: 30_000, description: 'a subscriber not reading for this long is disconnected, ms (slow consumer)' }),
    maxTopicLevels: Type.Integer({ minimum: 1, maximum: 100, default: 8, description: 'deepest topic, levels (aedes clamps to 1–100; qlobber crash GHSA-xxqp-5qx8-gj5q)' }),
    maxTopicLength: Type.Integer({ minimum: 8, maximum: 65535, default: 128, description: 'longest topic, bytes' }),
    flapMaxConnects: Type.Integer({ minimum: 1, default: 30, description: 'sessions per device within the flap window before a ban (reconnect storms, shared credentials)' }),
    flapWindowMs: Type.Integer({ minimum: 1_000, default: 60_000, description: 'flap detection window, ms' }),
    flapBanMs: Type.Integer({ minimum: 0, default: 60_000, description: 'how long a flapping device is refused (CONNACK 3), ms; 0 disables' }),
    maxSubscriptions: Type.Integer({ minimum: 0, maximum: 1_000, default: 16, description: 'topic filters per device session (subscription store growth)' }),
    readBatchBytes: Type.Integer({ minimum: 1_024, maximum: 1_048_576, default: 8_192, description: 'bytes of one connection handed to the MQTT parser at a time; a device has at most about twice this parsed and waiting for Kafka (memory per flooding connection)' }),
    maxPendingRecords: Type.Integer({ minimum: 1, default: 50_000, description: 'records queued for or in flight to Kafka across devices; further writes wait for room, their sockets unread (backpressure)' }),
  }),
  delivery: Type.Object({
    sendTimeoutMs: Type.Integer({ minimum: 100, default: 5_000, description: 'own timeout on a Kafka send (kafkajs retries forever), ms; < keepalive/2' }),
    lingerMs: Type.Integer({ minimum: 0, maximum: 1_000, default: 2, description: 'wait to batch records across devices, ms' }),
    maxBatchRecords: Type.Integer({ minimum: 1, default: 2_000, description: 'records per Kafka produce request' }),
    maxInFlightBatches: Type.Integer({ minimum: 1, maximum: 16, default: 4, description: 'concurrent produce requests' }),
    kafkaThread: Type.Boolean({ default: false, description: 'run the Kafka producer on a thread of its own, off the MQTT event loop: a shorter PUBACK tail near saturation for 10–40 % more CPU per reading (bench/README.md)' }),
    spoolDir: Type.String({ default: '', description: 'on-disk spool used while Kafka is unreachable ("" = no spool: stop acking instead)' }),
    spoolMaxBytes: Type.Integer({ minimum: 4_096, default: 268_435_456, description: 'spool size bound, bytes; when full the gateway stops acknowledging' }),
    spoolSegmentBytes: Type.Integer({ minimum: 4_096, default: 16_777_216, description: 'spool segment file size, bytes' }),
    replayRetryMs: Type.Integer({ minimum: 10, default: 1_000, description: 'wait between spool replay attempts while Kafka is down, ms' }),
  }),
  time: Type.Object({
    minPlausibleMs: Type.Integer({ minimum: 0, default: 1_577_836_800_000, description: 'device times before this (2020-01-01) mean an unsynced clock, epoch ms' }),
    maxFutureSkewMs: Type.Integer({ minimum: 0, default: 300_000, description: 'device times further ahead of gateway time are replaced, ms' }),
    tasmotaUtcOffsetMin: Type.Integer({ minimum: -840, maximum: 840, default: 0, description: 'UTC offset of Tasmota local "Time" fields, minutes' }),
  }),
  topics: Type.Object({
    readings: Type.String({ minLength: 1, default: Topics.readings, description: 'Kafka topic for canonical readings' }),
    dlq: Type.String({ minLength: 1, default: Topics.readingsDlq, description: 'Kafka topic for rejected input' }),
    deviceEvents: Type.String({ minLength: 1, default: Topics.deviceEvents, description: 'Kafka topic for device events' }),
  }),
  kafka: KafkaConnection,
  // Only for the per-device pipeline counters (GET /api/pipeline): ingest never waits for it.
  cassandra: CassandraConnection,
  pipelineCounters: Type.Boolean({ default: true, description: 'write per-device pipeline counters to Cassandra (--no-pipeline-counters to switch off)' }),
  pipelineCountersIntervalMs: Type.Integer({ minimum: 100, default: 5_000, description: 'pipeline counter flush period, ms (5 s)' }),
  logLevel: Type.Union([Type.Literal('debug'), Type.Literal('info'), Type.Literal('warn'), Type.Literal('error')], { default: 'info', description: 'log level' }),
})
export type GatewayConfig = Static<typeof GatewayConfig>

/** Cross-field rules the schema cannot state, reported together like schema errors. */
export function crossCheck(cfg: GatewayConfig): string[] {
  const problems: string[] = []
  if (cfg.delivery.sendTimeoutMs * 2 > cfg.limits.keepaliveMinSec * 1000) {
    // aedes drops a client after keepalive × 1.5 without a handled packet; a Kafka wait inside
    // authorizePublish must stay well under it (delivery-and-security.md B.2).
    problems.push('--delivery-send-timeout-ms must be at most half of --limits-keepalive-min-sec (in ms)')
  }
  if (cfg.limits.keepaliveMinSec > cfg.limits.keepaliveMaxSec) problems.push('--limits-keepalive-min-sec exceeds --limits-keepalive-max-sec')
  if (cfg.tls.enabled && (!cfg.tls.certFile || !cfg.tls.keyFile)) problems.push('--tls-enabled needs --tls-cert-file and --tls-key-file')
  if (cfg.delivery.spoolSegmentBytes > cfg.delivery.spoolMaxBytes) problems.push('--delivery-spool-segment-bytes exceeds --delivery-spool-max-bytes')
  return problems
}

export function loadGatewayConfig(opts: LoadOptions = {}): GatewayConfig {
  const cfg = loadConfig(GatewayConfig, opts)
  const problems = crossCheck(cfg)
  if (problems.length > 0) throw new ConfigError(problems)
  return cfg
}
