// Apache Kafka 4.1 as a single combined KRaft broker+controller, from the jars Maven fetched.
// Keys and JVM flags follow Kafka's own bin/ scripts and config/server.properties
// (shared/reference/local-stack.md, "Kafka (KRaft, no ZooKeeper)").
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Kafka, logLevel } from 'kafkajs'
import { StackError } from './errors.ts'
import { pinnedVersion } from './fetch-jars.ts'
import { javaCommand } from './preflight.ts'
import { stackMarker, startDetached, type RunRecord } from './process-control.ts'
import { serverPaths, type ServerSpec, type StartContext } from './server-spec.ts'

/** Kafka's Uuid text form: 16 random bytes, URL-safe base64, no padding, never starting with '-'. */
export function kafkaClusterId(): string {
  for (;;) {
    const id = randomBytes(16).toString('base64url')
    if (!id.startsWith('-')) return id
  }
}

export interface KafkaNodeLayout {
  nodeId: number
  /** `id@host:port` of every controller, this node included */
  voters: string
  clusterSize: number
}

export function kafkaProperties(dataDir: string, port: number, controllerPort: number, layout?: KafkaNodeLayout): string {
  const { nodeId, voters, clusterSize } = layout ?? { nodeId: 1, voters: `1@127.0.0.1:${controllerPort}`, clusterSize: 1 }
  // With three or more brokers: RF 3 and min.insync.replicas 2, Kafka's own replication_test
  // settings (delivery-and-security.md, B.1); one node cannot have more replicas than brokers.
  const rf = Math.min(clusterSize, 3)
  const minIsr = clusterSize >= 3 ? 2 : 1
  return [
    'process.roles=broker,controller',
    `node.id=${nodeId}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    `offsets.topic.replication.factor=${rf}`,
    `transaction.state.log.replication.factor=${rf}`,
    `transaction.state.log.min.isr=${minIsr}`,
    `share.coordinator.state.topic.replication.factor=${rf}`,
    `share.coordinator.state.topic.min.isr=${minIsr}`,
    `default.replication.factor=${rf}`,
    `min.insync.replicas=${minIsr}`,
    // Fast group joins for tests and the demo (defaults: 50 partitions, 3 s delay per join).
    'offsets.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are provisioned explicitly (npm run topics:create); a typo must not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    '',
  ].join('\n')
}

/** One cluster id per stack instance, shared by every node (all nodes must be formatted with it). */
function sharedClusterId(confDir: string): string {
  const file = join(confDir, 'kafka-cluster-id')
  if (!existsSync(file)) writeFileSync(file, kafkaClusterId())
  return readFileSync(file, 'utf8').trim()
}

const log4j2Properties = [
  'status = warn',
  'appender.out.type = Console',
  'appender.out.name = STDOUT',
  'appender.out.layout.type = PatternLayout',
  'appender.out.layout.pattern = [%d] %p %m (%c)%n',
  'rootLogger.level = INFO',
  'rootLogger.appenderRef.out.ref = STDOUT',
  'logger.request.name = kafka.request.logger',
  'logger.request.level = WARN',
  '',
].join('\n')

function startNode(name: string, nodeId: number, cluster: readonly string[]) {
  return async (ctx: StartContext): Promise<RunRecord> => {
    const p = serverPaths(ctx.dir, name)
    for (const d of [p.data, p.logs, p.conf, join(ctx.dir, 'run')]) mkdirSync(d, { recursive: true })
    const port = ctx.ports.kafkaPort as number
    const controllerPort = ctx.ports.kafkaControllerPort as number
    const voters = cluster.map((peer, i) => `${i + 1}@127.0.0.1:${ctx.peers[peer]?.kafkaControllerPort}`).join(',')
    const props = join(p.conf, `${name}.properties`)
    const log4j = join(p.conf, 'kafka-log4j2.properties')
    writeFileSync(props, kafkaProperties(p.data, port, controllerPort, { nodeId, voters, clusterSize: cluster.length }))
    writeFileSync(log4j, log4j2Properties)
    const java = javaCommand()
    const cp = `${ctx.libDir}/*`
    const logProps = [`-Dlog4j2.configurationFile=${log4j}`, `-Dkafka.logs.dir=${p.logs}`]

    if (!existsSync(join(p.data, 'meta.properties'))) {
      // Unformatted KRaft storage fails with "No readable meta.properties files found".
      const fmt = spawnSync(java, ['-cp', cp, ...logProps, 'kafka.tools.StorageTool', 'format', '-t', sharedClusterId(p.conf), '-c', props, '--ignore-formatted'], {
        encoding: 'utf8',
      })
      if (fmt.status !== 0) {
        throw new StackError('STACK_ERR_START_FAILED', `formatting Kafka storage in ${p.data} failed:\n${fmt.stdout}${fmt.stderr}`)
      }
    }

    const heap = ctx.config.kafkaHeapMb
    const args = [
      stackMarker(ctx.dir, name),
      `-Xms${heap}m`,
      `-Xmx${heap}m`,
      '-server',
      '-XX:+UseG1GC',
      '-XX:MaxGCPauseMillis=20',
      '-XX:InitiatingHeapOccupancyPercent=35',
      '-XX:+ExplicitGCInvokesConcurrent',
      '-Djava.awt.headless=true',
      ...logProps,
      '-cp',
      cp,
      'kafka.Kafka',
      props,
    ]
    const pid = startDetached(java, args, p.logFile)
    return { server: name, pid, version: pinnedVersion('kafka'), ports: { ...ctx.ports }, startedAt: new Date().toISOString(), logFile: p.logFile }
  }
}

/** A real admin round trip (describeCluster), not a log grep (local-stack.md, "Readiness"). */
async function probe(record: RunRecord, timeoutMs: number): Promise<string> {
  const kafka = new Kafka({
    clientId: 'iot-stack-probe',
    brokers: [`127.0.0.1:${record.ports.kafkaPort}`],
    connectionTimeout: Math.min(timeoutMs, 2_000),
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  })
  const admin = kafka.admin()
  try {
    await admin.connect()
    const cluster = await admin.describeCluster()
    if (cluster.brokers.length === 0) throw new Error('no brokers registered yet')
    return record.version
  } finally {
    await admin.disconnect().catch(() => {})
  }
}

/**
 * The Kafka nodes of a stack instance: one node named `kafka` on the configured ports, or a KRaft
 * cluster `kafka-1` … `kafka-N` whose first node takes the configured ports and the others free
 * ones (remembered across restarts), all combined broker+controller voters of one quorum.
 */
export function kafkaNodes(count: number): ServerSpec[] {
  const names = count === 1 ? ['kafka'] : Array.from({ length: count }, (_, i) => `kafka-${i + 1}`)
  return names.map((name, i) => ({
    name,
    artifact: 'kafka',
    title: count === 1 ? 'Kafka' : `Kafka ${i + 1}`,
    clientPort: 'kafkaPort',
    ports:
      i === 0
        ? [
            { name: 'kafkaPort', setting: 'kafkaPort', env: 'IOT_STACK_KAFKA_PORT' },
            { name: 'kafkaControllerPort', setting: 'kafkaControllerPort', env: 'IOT_STACK_KAFKA_CONTROLLER_PORT' },
          ]
        : [
            { name: 'kafkaPort', env: 'IOT_STACK_KAFKA_NODES' },
            { name: 'kafkaControllerPort', env: 'IOT_STACK_KAFKA_NODES' },
          ],
    start: startNode(name, i + 1, names),
    probe,
  }))
}
