// The whole pipeline as the pipeline benchmark runs it: a private stack instance (its own dir, free
// ports, the product's default heaps) so the shared stack at 9092/9042 is never touched, the
// product's topics and schema through provision/, then gateway, processor and API as child
// processes — the same entry points as their npm scripts, like `npm run demo`. stop() ends exactly
// what start() began, newest first, and is safe to call twice (Ctrl-C during a run).
import { createWriteStream, mkdirSync, mkdtempSync, rmSync, type WriteStream } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../config/load-config.ts'
import { StackConfig } from '../../local-stack/config.ts'
import { freePort } from '../../local-stack/preflight.ts'
import { stackDown, stackStatus, stackUp } from '../../local-stack/stack.ts'
import { ProvisionConfig } from '../../provision/config.ts'
import { provisionSchema, provisionTopics } from '../../provision/provision.ts'
import { tsxServiceArgs } from '../../config/service-node-flags.ts'
import { benchNodeArgs } from './bench-node-args.ts'
import { Supervisor, type RunningService, type ServiceSpec } from '../../demo/supervisor.ts'

const root = join(import.meta.dirname, '..', '..')

export interface PipelineStackOptions {
  /** processor tumbling windows, ms (the product's 1 min and 1 h plus the latency probe's size) */
  windowSizesMs: number[]
  log: (line: string) => void
  /** every line the services print goes here (git-ignored); the console gets the first few */
  servicesLogFile: string
}

/** Lines of each service echoed to the console before only the log file gets them. */
const ECHO_LINES = 10
const LOG_MAX_BYTES = 64 * 2 ** 20 // 64 MiB

/**
 * Service output: all of it to the log file, the first lines of each service to the console.
 * Overloaded services still log more than the benchmark's own progress should show (the gateway's
 * per-publish warning is now one line per code every 10 s, but retries and timeouts add up).
 */
function serviceOutput(file: string, log: (l: string) => void): { out: (line: string) => void; stream: WriteStream } {
  mkdirSync(join(file, '..'), { recursive: true })
  const stream = createWriteStream(file)
  const echoed = new Map<string, number>()
  let bytes = 0
  const out = (line: string): void => {
    // Bounded, so a long overloaded run cannot fill the disk.
    if (bytes < LOG_MAX_BYTES) {
      bytes += line.length + 1
      stream.write(bytes < LOG_MAX_BYTES ? `${line}\n` : `${line}\n… log cut at ${LOG_MAX_BYTES} bytes\n`)
    }
    const service = /^\[([^\]]+)\]/.exec(line)?.[1] ?? ''
    const n = (echoed.get(service) ?? 0) + 1
    echoed.set(service, n)
    if (n <= ECHO_LINES) log(line)
    if (n === ECHO_LINES) log(`[${service}] … further output only in ${file}`)
  }
  return { out, stream }
}

export interface PipelineStack {
  kafkaBrokers: string
  cassandraContactPoint: string
  mqttPort: number
  gatewayHttp: string
  processorHttp: string
  api: string
  /** component name → pid, for CPU and RSS */
  pids: Record<string, number>
  stop(): Promise<void>
}

export async function startPipelineStack(o: PipelineStackOptions): Promise<PipelineStack> {
  // The jar cache (and Maven arguments) of the caller's stack settings are reused; everything
  // else is this instance's own.
  const shared = loadConfig(StackConfig).stack
  const dir = mkdtempSync(join(tmpdir(), 'iot-bench-pipeline-'))
  const cfg = loadConfig(StackConfig, {
    argv: [`--stack-dir=${dir}`, `--stack-cache-dir=${shared.cacheDir}`, `--stack-maven-args=${shared.mavenArgs}`, '--stack-kafka-port=0', '--stack-kafka-controller-port=0', '--stack-cassandra-port=0', '--stack-cassandra-storage-port=0', '--stack-stop-timeout-ms=20000'],
    env: {},
  }).stack
  const output = serviceOutput(o.servicesLogFile, o.log)
  const supervisor = new Supervisor({ out: output.out, graceMs: 15_000 })
  let stopped = false
  const stop = async (): Promise<void> => {
    if (stopped) return
    stopped = true
    await supervisor.stop()
    await stackDown(cfg, () => {})
    rmSync(dir, { recursive: true, force: true })
    await new Promise<void>((r) => output.stream.end(r))
  }
  try {
    o.log(`private stack in ${dir} (free ports) …`)
    const ep = await stackUp(cfg, o.log)
    // Only what this run sets: IOT_* variables of the caller (another keyspace, other brokers)
    // must not leak into the services the benchmark measures.
    for (const k of Object.keys(process.env)) if (k.startsWith('IOT_')) delete process.env[k]
    const conn = { IOT_KAFKA_BROKERS: ep.kafkaBrokers, IOT_CASSANDRA_CONTACT_POINTS: ep.cassandraContactPoint }
    const provision = loadConfig(ProvisionConfig, { env: conn, argv: [] })
    await provisionTopics(provision)
    await provisionSchema(provision)

    const ports = { mqtt: await freePort(), gatewayHttp: await freePort(), processorHttp: await freePort(), api: await freePort() }
    // BENCH_CPU_PROF / BENCH_NODE_ARGS (bench-node-args.ts), then the services' own Node flags, as
    // their npm scripts and the demo pass them.
    const tsx = (entry: string): Pick<ServiceSpec, 'command' | 'args'> => ({ command: process.execPath, args: [...benchNodeArgs(), ...tsxServiceArgs(root, entry)] })
    const specs: ServiceSpec[] = [
      {
        name: 'gateway',
        ...tsx('gateway/main.ts'),
        // Anonymous (no credentials file to manage) and the per-device rate limit lifted: the load
        // generator drives ~1,000 devices at tens of readings/s each, where a real fleet spreads
        // the same rate over far more devices than one machine can hold connections for.
        env: {
          ...conn,
          IOT_MQTT_HOST: '127.0.0.1',
          IOT_MQTT_PORT: String(ports.mqtt),
          IOT_GATEWAY_HTTP_PORT: String(ports.gatewayHttp),
          IOT_AUTH_ALLOW_ANONYMOUS: 'true',
          IOT_AUTH_CREDENTIALS_FILE: join(dir, 'no-devices.json'),
          IOT_LIMITS_PUBLISH_RATE_PER_SEC: '100000',
          IOT_LIMITS_PUBLISH_BURST: '100000',
          IOT_LOG_LEVEL: 'warn',
        },
        healthUrl: `http://127.0.0.1:${ports.gatewayHttp}/ready`,
      },
      {
        name: 'processor',
        ...tsx('processor/main.ts'),
        env: { ...conn, IOT_PROCESSOR_HTTP_PORT: String(ports.processorHttp), IOT_PROCESSOR_WINDOW_SIZES_MS: o.windowSizesMs.join(','), IOT_PROCESSOR_LOG_LEVEL: 'warn' },
        healthUrl: `http://127.0.0.1:${ports.processorHttp}/ready`,
      },
      {
        name: 'api',
        ...tsx('api/main.ts'),
        env: { ...conn, IOT_HTTP_HOST: '127.0.0.1', IOT_HTTP_PORT: String(ports.api), IOT_HTTP_LOG_LEVEL: 'warn' },
        healthUrl: `http://127.0.0.1:${ports.api}/ready`,
      },
    ]
    const running: RunningService[] = []
    for (const spec of specs) {
      const svc = supervisor.start(spec)
      await supervisor.waitHealthy(svc, 120_000)
      running.push(svc)
      o.log(`${spec.name} ready (pid ${svc.child.pid})`)
    }
    const servers = await stackStatus(cfg)
    const pid = (title: string): number => servers.find((s) => s.server.toLowerCase().startsWith(title))?.pid ?? 0
    return {
      kafkaBrokers: ep.kafkaBrokers,
      cassandraContactPoint: ep.cassandraContactPoint,
      mqttPort: ports.mqtt,
      gatewayHttp: `http://127.0.0.1:${ports.gatewayHttp}`,
      processorHttp: `http://127.0.0.1:${ports.processorHttp}`,
      api: `http://127.0.0.1:${ports.api}`,
      pids: {
        'Kafka (JVM)': pid('kafka'),
        'Cassandra (JVM)': pid('cassandra'),
        ...Object.fromEntries(running.map((s) => [s.spec.name, s.child.pid as number])),
      },
      stop,
    }
  } catch (err) {
    await stop()
    throw err
  }
}
