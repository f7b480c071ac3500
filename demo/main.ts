// npm run demo — the main job: the real Kafka and Cassandra (the local stack, unless
// IOT_KAFKA_BROKERS and IOT_CASSANDRA_CONTACT_POINTS name others), topics and schema, then the
// gateway, processor, API + dashboard and a mixed simulated fleet. Ctrl-C stops what it started.
import { join, resolve } from 'node:path'
import { configHelp, loadConfig } from '../config/load-config.ts'
import { StackConfig } from '../local-stack/config.ts'
import { freePort } from '../local-stack/preflight.ts'
import { stackDown, stackStatus, stackUp } from '../local-stack/stack.ts'
import { ProvisionConfig } from '../provision/config.ts'
import { provisionSchema, provisionTopics } from '../provision/provision.ts'
import { DemoConfig } from './config.ts'
import { preferredPort } from './ports.ts'
import { banner, demoServices } from './services.ts'
import { Supervisor } from './supervisor.ts'

const argv = process.argv.slice(2)
if (argv.includes('--help')) {
  console.log(`usage: npm run demo [-- flags]\n\n${configHelp(DemoConfig)}\n\nKafka and Cassandra: IOT_KAFKA_* and IOT_CASSANDRA_* as for every service (README, "External").`)
  process.exit(0)
}
const log = (l: string): void => console.log(`[demo] ${l}`)
const supervisor = new Supervisor()
let startedStack: StackConfig | undefined
let stopping = false

async function shutdown(code: number): Promise<never> {
  if (stopping) process.exit(code)
  stopping = true
  log('stopping …')
  await supervisor.stop()
  if (startedStack) await stackDown(startedStack, log)
  log('stopped')
  process.exit(code)
}
process.on('SIGINT', () => void shutdown(0))
process.on('SIGTERM', () => void shutdown(0))

try {
  const demo = loadConfig(DemoConfig, { argv }).demo
  const env: NodeJS.ProcessEnv = { ...process.env }
  const { stack } = loadConfig(StackConfig)
  if (!env.IOT_KAFKA_BROKERS || !env.IOT_CASSANDRA_CONTACT_POINTS) {
    const wasUp = (await stackStatus(stack)).every((s) => s.state === 'up')
    const ep = await stackUp(stack, log)
    if (!wasUp) startedStack = stack
    env.IOT_KAFKA_BROKERS ??= ep.kafkaBrokers
    env.IOT_CASSANDRA_CONTACT_POINTS ??= ep.cassandraContactPoint
  }
  const provision = loadConfig(ProvisionConfig, { env })
  const created = await provisionTopics(provision)
  const schema = await provisionSchema(provision)
  log(`topics ${created.length ? `created: ${created.join(', ')}` : 'present'}; keyspace ${provision.cassandra.keyspace}: ${schema.applied.length} migrations applied`)

  const ports = {
    mqtt: await preferredPort(demo.mqttPort, 'the gateway (MQTT)', log),
    api: await preferredPort(demo.apiPort, 'the API and dashboard', log),
    gatewayHttp: await freePort(),
    processorHttp: await freePort(),
  }
  const specs = demoServices(ports, env, { credentialsFile: join(resolve(stack.dir), 'demo-devices.json'), fleetFile: resolve(demo.fleetFile), rulesFile: resolve(demo.rulesFile), seed: demo.seed })
  for (const spec of specs) {
    const svc = supervisor.start(spec)
    await supervisor.waitHealthy(svc, demo.readyTimeoutMs)
    log(`${spec.name} is ${spec.healthUrl ? 'ready' : 'running'}`)
  }
  console.log(banner(ports))
} catch (err) {
  const e = err as Error & { code?: string }
  console.error(`[demo] ${e.code ? `${e.code}: ` : ''}${e.message}`)
  await shutdown(1)
}
