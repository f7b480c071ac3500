// Apache Kafka 4.1 as a single combined KRaft broker+controller, from the jars Maven fetched.
// Keys and JVM flags follow Kafka's own bin/ scripts and config/server.properties
// (shared/reference/local-stack.md, "Kafka (KRaft, no ZooKeeper)").
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
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

export function kafkaProperties(dataDir: string, port: number, controllerPort: number): string {
  return [
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${port}`,
    'controller.listener.names=CONTROLLER',
    'inter.broker.listener.name=PLAINTEXT',
    'listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT',
    `log.dirs=${dataDir}`,
    // One node: internal topics cannot have more replicas than brokers.
    'offsets.topic.replication.factor=1',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'share.coordinator.state.topic.replication.factor=1',
    'share.coordinator.state.topic.min.isr=1',
    // Fast group joins for tests and the demo (defaults: 50 partitions, 3 s delay per join).
    'offsets.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    // Topics are provisioned explicitly (npm run topics:create); a typo must not create a topic.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    '',
  ].join('\n')
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

async function start(ctx: StartContext): Promise<RunRecord> {
  const p = serverPaths(ctx.dir, 'kafka')
  for (const d of [p.data, p.logs, p.conf, join(ctx.dir, 'run')]) mkdirSync(d, { recursive: true })
  const port = ctx.ports.kafkaPort as number
  const controllerPort = ctx.ports.kafkaControllerPort as number
  const props = join(p.conf, 'kafka.properties')
  const log4j = join(p.conf, 'kafka-log4j2.properties')
  writeFileSync(props, kafkaProperties(p.data, port, controllerPort))
  writeFileSync(log4j, log4j2Properties)
  const java = javaCommand()
  const cp = `${ctx.libDir}/*`
  const logProps = [`-Dlog4j2.configurationFile=${log4j}`, `-Dkafka.logs.dir=${p.logs}`]

  if (!existsSync(join(p.data, 'meta.properties'))) {
    // Unformatted KRaft storage fails with "No readable meta.properties files found".
    const fmt = spawnSync(java, ['-cp', cp, ...logProps, 'kafka.tools.StorageTool', 'format', '-t', kafkaClusterId(), '-c', props, '--ignore-formatted'], {
      encoding: 'utf8',
    })
    if (fmt.status !== 0) {
      throw new StackError('STACK_ERR_START_FAILED', `formatting Kafka storage in ${p.data} failed:\n${fmt.stdout}${fmt.stderr}`)
    }
  }

  const heap = ctx.config.kafkaHeapMb
  const args = [
    stackMarker(ctx.dir, 'kafka'),
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
  return { server: 'kafka', pid, version: pinnedVersion('kafka'), ports: { ...ctx.ports }, startedAt: new Date().toISOString(), logFile: p.logFile }
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

export const kafkaServer: ServerSpec = {
  name: 'kafka',
  title: 'Kafka',
  clientPort: 'kafkaPort',
  ports: [
    { name: 'kafkaPort', setting: 'kafkaPort', env: 'IOT_STACK_KAFKA_PORT' },
    { name: 'kafkaControllerPort', setting: 'kafkaControllerPort', env: 'IOT_STACK_KAFKA_CONTROLLER_PORT' },
  ],
  start,
  probe,
}

