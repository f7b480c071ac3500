// The whole pipeline against the real Kafka and Cassandra, on names of its own: a fresh keyspace
// (every cql/ migration), fresh topics, the gateway as a real process (`npm run gateway`'s entry,
// so its Cassandra counter writer and shutdown flush are the production wiring), the processor and
// the API in-process (startProcessor, api/app.ts build) against the same keyspace.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type cassandra from 'cassandra-driver'
import type { FastifyInstance } from 'fastify'
import { Kafka } from 'kafkajs'
import { build } from '../../../api/app.ts'
import { ApiConfig } from '../../../api/config.ts'
import { createCassandraClient } from '../../../config/cassandra-connection.ts'
import { kafkaClientConfig } from '../../../config/kafka-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { ProcessorConfig } from '../../../processor/config.ts'
import { startProcessor, type RunningProcessor } from '../../../processor/processor.ts'
import { provisionSchema } from '../../../provision/provision.ts'
import { createTopicsReady } from '../../../provision/topic-leaders.ts'
import { startGatewayProcess, type GatewayProcess } from '../../gateway/helpers/gateway-process.ts'
import { stackEnv, uniqueName } from '../../helpers/stack-env.ts'

export interface PipelineOptions {
  partitions?: number
  windowSizesMs: number[]
  allowedLatenessMs: number
  idleTimeoutMs: number
  /** counter flush period of gateway and processor, ms */
  countersIntervalMs?: number
  gatewayArgs?: string[]
  processorArgs?: Record<string, string | number | boolean>
}

export interface PipelineStack {
  keyspace: string
  topics: { readings: string; dlq: string; anomalies: string; events: string }
  gateway: GatewayProcess
  processor: RunningProcessor
  api: FastifyInstance
  client: cassandra.Client
  /** GET on the API (in-process inject), parsed; throws on a non-200 */
  get<T = unknown>(url: string): Promise<T>
  /** SIGTERM the gateway (its last counter flush) and wait for it to exit */
  stopGateway(): Promise<number | null>
  destroy(): Promise<void>
}

export async function startPipeline(o: PipelineOptions): Promise<PipelineStack> {
  const env = stackEnv()
  const keyspace = uniqueName('pipe').toLowerCase()
  const cass = { ...env.cassandra, keyspace }
  await provisionSchema({ cassandra: cass })
  const client = createCassandraClient(cass)
  await client.connect()
  const kafka = new Kafka(kafkaClientConfig(env.kafka, 'pipeline-test'))
  const admin = kafka.admin()
  await admin.connect()
  const base = uniqueName('pipe')
  const topics = { readings: `${base}.readings`, dlq: `${base}.dlq`, anomalies: `${base}.anomalies`, events: `${base}.events` }
  await createTopicsReady(admin, [
    { topic: topics.readings, numPartitions: o.partitions ?? 3 },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.anomalies, numPartitions: 1 },
    { topic: topics.events, numPartitions: 1 },
  ])
  const dir = mkdtempSync(join(tmpdir(), 'pipeline-'))
  const interval = o.countersIntervalMs ?? 500
  const common = { 'kafka-brokers': env.kafka.brokers.join(','), 'cassandra-contact-points': env.cassandra.contactPoints.join(','), 'cassandra-keyspace': keyspace }
  const flags = (m: Record<string, string | number | boolean>): string[] => Object.entries(m).map(([k, v]) => `--${k}=${v}`)

  let gateway: GatewayProcess | undefined
  let processor: RunningProcessor | undefined
  let api: FastifyInstance | undefined
  const cleanup = async (): Promise<void> => {
    if (gateway && gateway.child.exitCode === null) {
      gateway.child.kill('SIGKILL')
      await gateway.exited
    }
    await processor?.stop().catch(() => {})
    await api?.close().catch(() => {})
    await admin.deleteTopics({ topics: Object.values(topics), timeout: 5_000 }).catch(() => {})
    await admin.disconnect().catch(() => {})
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { prepare: false }).catch(() => {})
    await client.shutdown().catch(() => {})
    rmSync(dir, { recursive: true, force: true })
  }
  try {
    gateway = await startGatewayProcess([
      ...flags({
        ...common,
        'mqtt-port': 0,
        'auth-allow-anonymous': true,
        'auth-credentials-file': join(dir, 'devices.json'),
        'topics-readings': topics.readings,
        'topics-dlq': topics.dlq,
        'topics-device-events': topics.events,
        'pipeline-counters': true,
        'pipeline-counters-interval-ms': interval,
      }),
      ...(o.gatewayArgs ?? []),
    ])
    const pcfg = loadConfig(ProcessorConfig, {
      env: {},
      argv: flags({
        ...common,
        'processor-group-id': uniqueName('g.pipe'),
        'processor-readings-topic': topics.readings,
        'processor-dlq-topic': topics.dlq,
        'processor-anomalies-topic': topics.anomalies,
        'processor-device-events-topic': topics.events,
        'processor-window-sizes-ms': o.windowSizesMs.join(','),
        'processor-allowed-lateness-ms': o.allowedLatenessMs,
        'processor-idle-timeout-ms': o.idleTimeoutMs,
        'processor-checkpoint-interval-ms': 200,
        'processor-pipeline-counters-interval-ms': interval,
        'processor-session-timeout-ms': 6_000,
        'processor-http-port': 0,
        'processor-log-level': 'warn',
        ...o.processorArgs,
      }),
    })
    processor = await startProcessor(pcfg, { sessionTimeoutMs: 6_000 })
    const acfg = loadConfig(ApiConfig, { env: {}, argv: flags({ ...common, 'limits-cache-ms': 0, 'http-log-level': 'silent' }) })
    api = await build({ config: acfg, logger: false })
  } catch (err) {
    await cleanup()
    throw err
  }
  const app = api
  const gw = gateway
  return {
    keyspace,
    topics,
    gateway: gw,
    processor,
    api: app,
    client,
    get: async <T>(url: string): Promise<T> => {
      const r = await app.inject(url)
      if (r.statusCode !== 200) throw new Error(`GET ${url}: ${r.statusCode} ${r.body}`)
      return r.json() as T
    },
    stopGateway: async () => {
      if (gw.child.exitCode !== null) return gw.child.exitCode
      gw.child.kill('SIGTERM')
      return gw.exited
    },
    destroy: cleanup,
  }
}

/** Poll `probe` until it returns a value (not undefined) or `ms` pass; then throw with the last state. */
export async function eventually<T>(what: string, ms: number, probe: () => Promise<T | undefined>, last?: () => unknown): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await probe()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`${what} not reached within ${ms} ms; last state: ${JSON.stringify(last?.())}`)
    await new Promise((r) => setTimeout(r, 250))
  }
}
