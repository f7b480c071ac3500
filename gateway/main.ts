// `npm run gateway`: wires configuration, logger, sink, broker, listeners and the health server.
// SIGTERM/SIGINT: stop accepting, close sessions, let in-flight Kafka sends finish or time out,
// flush the producer and the log, exit 0.
// First: replaces KafkaJS's produce encoding before anything loads kafkajs (see that file).
import '../kafka-client/install-lean-produce.ts'
// First too: mqtt-packet's disabled debug logging without an allocation per call (see that file).
import './install-quiet-debug.ts'
import { createCassandraClient } from '../config/cassandra-connection.ts'
import { startCounterRunner } from '../contracts/pipeline-counter-runner.ts'
import { configHelp } from '../config/load-config.ts'
import { ConfigError } from '../config/errors.ts'
import { createGatewayBroker } from './broker.ts'
import { systemClock } from './clock.ts'
import { GatewayConfig, loadGatewayConfig } from './config.ts'
import { createGatewayMetrics } from './health/gateway-metrics.ts'
import { createHealthServer } from './health/http.ts'
import { credentialStore, readCredentials } from './identity/credentials-file.ts'
import { closeServer, listenOn, startTcpListener, type Listener } from './listeners/tcp.ts'
import { startTlsListener } from './listeners/tls.ts'
import { startWsListener } from './listeners/ws.ts'
import { createLogger } from './logger.ts'
import { createSink } from './sink/create-sink.ts'

const argv = process.argv.slice(2)
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`usage: npm run gateway -- [options]\n\nEvery option is also an environment variable (flag > variable > default):\n${configHelp(GatewayConfig)}`)
  process.exit(0)
}

let config: GatewayConfig
try {
  config = loadGatewayConfig({ argv })
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message)
    process.exit(2)
  }
  throw err
}

const log = createLogger(config.logLevel)
const clock = systemClock
const metrics = createGatewayMetrics()
let credentials: ReturnType<typeof credentialStore>
try {
  credentials = credentialStore(readCredentials(config.auth.credentialsFile, { missingOk: config.auth.allowAnonymous }))
} catch (err) {
  console.error(`${(err as Error).message}\nadd devices with: npm run gateway:add-device -- <deviceId> --credentials-file ${config.auth.credentialsFile}`)
  process.exit(2)
}
// Per-device pipeline counters (GET /api/pipeline). Started before anything is counted, never
// awaited: Cassandra down or slow must not delay start, ingest or acknowledgements.
const counters = config.pipelineCounters
  ? startCounterRunner({
      client: createCassandraClient(config.cassandra),
      tally: metrics.pipeline,
      component: 'gateway',
      intervalMs: config.pipelineCountersIntervalMs,
      log,
      onFailure: () => metrics.counterFlushFailures.inc(),
    })
  : null
const sink = await createSink({ config, clock, metrics, log })
const broker = await createGatewayBroker({ config, credentials, sink, metrics, log, clock })
let serving = true

metrics.registry.gauge('gateway_connections', 'open MQTT connections', () => broker.openConnections)
metrics.registry.gauge('gateway_kafka_reachable', '1 when the last Kafka request succeeded', () => (sink.status().kafkaReachable ? 1 : 0))
metrics.registry.gauge('gateway_spool_bytes', 'bytes waiting in the on-disk spool', () => sink.status().spoolBytes)
metrics.registry.gauge('gateway_spool_limit_bytes', 'spool size bound', () => sink.status().spoolLimitBytes)

const listeners: Listener[] = [await startTcpListener(broker, config.mqtt.host, config.mqtt.port)]
if (config.tls.enabled) listeners.push(await startTlsListener(broker, config.mqtt.host, config.tls.port, config.tls.certFile, config.tls.keyFile))
if (config.ws.enabled) listeners.push(await startWsListener(broker, config.mqtt.host, config.ws.port, config.limits.maxPacketBytes))
const http = createHealthServer({ registry: metrics.registry, sinkStatus: () => sink.status(), serving: () => serving })
const httpPort = await listenOn(http, config.gatewayHttp.host, config.gatewayHttp.port)

log.info(
  { listeners: listeners.map((l) => ({ name: l.name, port: l.port })), http: httpPort, kafka: config.kafka.brokers, spool: config.delivery.spoolDir || null, status: sink.status(), pipelineCounters: counters ? { instance: counters.instance, keyspace: config.cassandra.keyspace } : 'off' },
  'gateway listening',
)

let stopping = false
async function shutdown(signal: string): Promise<void> {
  if (stopping) return
  stopping = true
  serving = false
  log.info({ signal }, 'shutting down')
  // Stop accepting first; a server's close completes only once its connections are gone, which
  // is what broker.close() does (and what fires the Wills of sessions cut by the shutdown).
  const listenersClosed = Promise.all(listeners.map((l) => l.close()))
  await broker.close()
  await listenersClosed
  await sink.close()
  // Last flush after the sink closed, so replays finished during close are in it; bounded.
  await counters?.close(5_000)
  await closeServer(http)
  log.info('stopped')
  log.flush()
  process.exit(0)
}
process.on('SIGTERM', () => void shutdown('SIGTERM'))
process.on('SIGINT', () => void shutdown('SIGINT'))
