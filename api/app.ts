// build(opts): the whole API as a Fastify instance, without listen() (style lesson 13): main.ts
// listens, tests call app.inject(). Route groups are plugins; onClose shuts the Cassandra client.
import swagger from '@fastify/swagger'
import swaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import type cassandra from 'cassandra-driver'
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify'
import type { Logger } from 'pino'
import { createCassandraClient } from '../config/cassandra-connection.ts'
import type { ApiConfig } from './config.ts'
import { cassandraProbe, kafkaProbe, type Probes } from './health/readiness.ts'
import { registerAuth } from './http/auth.ts'
import { registerErrorHandling } from './http/error-handler.ts'
import { ApiMetrics } from './http/metrics.ts'
import { anomalyRoutes } from './routes/anomalies.ts'
import { dashboardRoutes } from './routes/dashboard.ts'
import type { RouteDeps } from './routes/deps.ts'
import { deviceRoutes } from './routes/devices.ts'
import { healthRoutes } from './routes/health.ts'
import { pipelineRoutes } from './routes/pipeline.ts'
import { readingRoutes } from './routes/readings.ts'
import { streamRoutes } from './routes/stream.ts'
import { windowRoutes } from './routes/windows.ts'
import { createDb } from './store/db.ts'
import { QueryCache } from './store/query-cache.ts'
import { StreamHub } from './stream/stream-hub.ts'
import { StreamPoller } from './stream/stream-poller.ts'

export interface BuildOptions {
  config: ApiConfig
  /** a pino logger, or false for none (tests); default: pino at config.http.logLevel */
  logger?: Logger | false
  /** Cassandra client to use (the caller keeps ownership); default: one built from config.cassandra, shut down on close */
  cassandra?: cassandra.Client
  /** readiness probes; default: real Cassandra and Kafka round trips */
  probes?: Partial<Probes>
  /** clock, epoch ms */
  now?: () => number
}

export const redactPaths = ['req.headers.authorization', 'http.authToken', 'cassandra.password', 'kafka.saslPassword', 'password', 'token']

export async function build(opts: BuildOptions): Promise<FastifyInstance> {
  const { config } = opts
  const now = opts.now ?? Date.now
  const logger =
    opts.logger === false
      ? false
      : (opts.logger ?? { level: config.http.logLevel, base: { svc: 'api' }, redact: { paths: redactPaths, censor: '[redacted]' } })
  const base = Fastify({
    ...((logger && 'child' in logger ? { loggerInstance: logger } : { logger }) as FastifyServerOptions),
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true } },
    // Bound how long an idle or slow client may hold a socket (slowloris).
    requestTimeout: 30_000,
    return503OnClosing: true,
  }) as FastifyInstance
  const app = base.withTypeProvider<TypeBoxTypeProvider>()

  const ownClient = opts.cassandra === undefined
  const client = opts.cassandra ?? createCassandraClient(config.cassandra)
  const db = createDb(client, config.limits.queryTimeoutMs, new QueryCache(config.limits.cacheMs, 1_000, now))
  const metrics = new ApiMetrics()
  const kafka = opts.probes?.kafka ? undefined : kafkaProbe(config.kafka)
  const probes: Probes = {
    cassandra: opts.probes?.cassandra ?? cassandraProbe(client, 2_000),
    kafka: opts.probes?.kafka ?? (kafka as { probe: Probes['kafka'] }).probe,
  }
  const poller = new StreamPoller({ db, windowSizes: config.stream.windowSizes, maxDevices: config.stream.maxDevices, now })
  const hub = new StreamHub({
    poller,
    pollIntervalMs: config.stream.pollIntervalMs,
    heartbeatMs: config.stream.heartbeatMs,
    maxClients: config.stream.maxClients,
    metrics,
    log: app.log,
  })
  const deps: RouteDeps = { db, config, now, metrics, probes, hub }

  registerErrorHandling(base, metrics)
  registerAuth(base, config.http.authToken)
  app.addHook('onResponse', async (req, reply) => {
    metrics.observeRequest(req.method, req.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
  })
  app.addHook('preClose', async () => {
    await hub.close()
  })
  app.addHook('onClose', async () => {
    await kafka?.close()
    if (ownClient) await client.shutdown()
  })

  await app.register(swagger, {
    openapi: {
      info: { title: 'iot-edge-pipeline API', version: '0.1.0', description: 'Devices, readings, windows, anomalies and pipeline accounting. Errors: `{ error: API_ERR_*, message }`.' },
      components: config.http.authToken ? { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } } : {},
      security: config.http.authToken ? [{ bearer: [] }] : [],
    },
  })
  await app.register(swaggerUi, { routePrefix: '/docs' })
  await app.register(healthRoutes, deps)
  await app.register(deviceRoutes, deps)
  await app.register(readingRoutes, deps)
  await app.register(windowRoutes, deps)
  await app.register(anomalyRoutes, deps)
  await app.register(pipelineRoutes, deps)
  await app.register(streamRoutes, deps)
  await app.register(dashboardRoutes)
  return base
}
