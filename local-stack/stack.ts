// up / down / status / fetch of the local stack: the real Kafka and Cassandra servers, each a
// background JVM with its own data folder, log file and run file under the stack dir.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { cassandraServer } from './cassandra-server.ts'
import type { StackConfig } from './config.ts'
import { StackError } from './errors.ts'
import { ensureJars } from './fetch-jars.ts'
import { kafkaNodes } from './kafka-server.ts'
import { checkJava, checkPortFree, freePort } from './preflight.ts'
import { isOurProcess, readRunRecord, removeRunRecord, rssMiB, stackMarker, stopProcess, tailFile, writeRunRecord, type RunRecord } from './process-control.ts'
import { serverPaths, type ServerSpec } from './server-spec.ts'

export type Log = (line: string) => void
/** servers by artifact (`kafka` = every Kafka node) or by instance name (`kafka-2`) */
export type ServerChoice = readonly string[]

export const stackServers = (cfg: StackConfig): ServerSpec[] => [...kafkaNodes(cfg.kafkaNodes), cassandraServer]

const chosen = (cfg: StackConfig, only?: ServerChoice): ServerSpec[] =>
  stackServers(cfg).filter((s) => !only || only.includes(s.artifact) || only.includes(s.name))

export interface StackEndpoints {
  kafkaBrokers: string
  cassandraContactPoint: string
}

export interface ServerStatus {
  server: string
  state: 'up' | 'not answering' | 'down'
  version: string
  port?: number
  pid?: number
  rssMiB?: number
  detail?: string
}

function liveRecord(cfg: StackConfig, spec: ServerSpec): RunRecord | undefined {
  const rec = readRunRecord(serverPaths(cfg.dir, spec.name).runFile)
  return rec && isOurProcess(rec.pid, stackMarker(cfg.dir, spec.name)) ? rec : undefined
}

/**
 * Ports for a start. A setting of 0 reuses the port this instance had last time (so clients of a
 * restarted server find it again), or picks a free one the first time.
 */
async function resolvePorts(cfg: StackConfig, spec: ServerSpec): Promise<Record<string, number>> {
  const remembered = readPorts(cfg, spec)
  const ports: Record<string, number> = {}
  for (const p of spec.ports) {
    const wanted = p.setting ? (cfg[p.setting] as number) : 0
    const port = wanted !== 0 ? wanted : (remembered[p.name] ?? (await freePort()))
    await checkPortFree(port, `${spec.title} (${p.name})`, p.env)
    ports[p.name] = port
  }
  mkdirSync(dirname(portsFile(cfg, spec)), { recursive: true })
  writeFileSync(portsFile(cfg, spec), JSON.stringify(ports))
  return ports
}

const portsFile = (cfg: StackConfig, spec: ServerSpec): string => join(serverPaths(cfg.dir, spec.name).conf, `${spec.name}-ports.json`)

function readPorts(cfg: StackConfig, spec: ServerSpec): Record<string, number> {
  try {
    return JSON.parse(readFileSync(portsFile(cfg, spec), 'utf8')) as Record<string, number>
  } catch {
    return {}
  }
}

async function waitUntilAnswering(cfg: StackConfig, spec: ServerSpec, rec: RunRecord): Promise<string> {
  const deadline = Date.now() + cfg.startTimeoutMs
  let last: unknown
  while (Date.now() < deadline) {
    if (!isOurProcess(rec.pid, stackMarker(cfg.dir, spec.name))) {
      removeRunRecord(serverPaths(cfg.dir, spec.name).runFile)
      throw new StackError('STACK_ERR_START_FAILED', `${spec.title} exited during start-up. Last lines of ${rec.logFile}:\n${tailFile(rec.logFile)}`)
    }
    try {
      return await spec.probe(rec, 2_000)
    } catch (err) {
      last = err
      await sleep(1_000)
    }
  }
  throw new StackError(
    'STACK_ERR_START_TIMEOUT',
    `${spec.title} (pid ${rec.pid}) did not answer within ${cfg.startTimeoutMs} ms (last error: ${String((last as Error)?.message ?? last)}). ` +
      `It is left running; see ${rec.logFile}, raise IOT_STACK_START_TIMEOUT_MS, or run npm run stack:down.\n${tailFile(rec.logFile)}`,
    { retriable: true },
  )
}

async function upOne(
  cfg: StackConfig,
  spec: ServerSpec,
  ports: Record<string, number> | undefined,
  peers: Record<string, Record<string, number>>,
  log: Log,
): Promise<RunRecord> {
  const running = liveRecord(cfg, spec)
  if (running || !ports) {
    if (!running) throw new Error(`${spec.title}: no ports resolved`)
    await waitUntilAnswering(cfg, spec, running)
    log(`${spec.title} ${running.version} is already up on 127.0.0.1:${running.ports[spec.clientPort]} (pid ${running.pid})`)
    return running
  }
  removeRunRecord(serverPaths(cfg.dir, spec.name).runFile)
  const jars = ensureJars(cfg.cacheDir, spec.artifact, cfg.mavenArgs)
  const started = Date.now()
  const rec = await spec.start({ config: cfg, dir: cfg.dir, libDir: jars.dir, ports, peers })
  writeRunRecord(serverPaths(cfg.dir, spec.name).runFile, rec)
  const version = await waitUntilAnswering(cfg, spec, rec)
  log(`${spec.title} ${version} is up on 127.0.0.1:${ports[spec.clientPort]} (pid ${rec.pid}, answered after ${((Date.now() - started) / 1000).toFixed(1)} s, log ${rec.logFile})`)
  return rec
}

export function endpointsOf(records: RunRecord[]): StackEndpoints {
  const port = (r: RunRecord): number | undefined => r.ports.kafkaPort ?? r.ports.cassandraPort
  return {
    kafkaBrokers: records.filter((r) => r.server.startsWith('kafka')).map((r) => `127.0.0.1:${port(r)}`).join(','),
    cassandraContactPoint: records.filter((r) => r.server === 'cassandra').map((r) => `127.0.0.1:${port(r)}`).join(','),
  }
}

/**
 * SIGKILLs one server of this stack dir without any clean-up — the crash that fault tests inject.
 * Its run file stays, so a later stackUp sees it is gone and restarts it on the same data.
 */
export function stackKill(cfg: StackConfig, server: string): number | undefined {
  const spec = stackServers(cfg).find((s) => s.name === server)
  if (!spec) throw new Error(`no server named ${server} in this stack (have ${stackServers(cfg).map((s) => s.name).join(', ')})`)
  const rec = liveRecord(cfg, spec)
  if (rec) process.kill(rec.pid, 'SIGKILL')
  return rec?.pid
}

/** Starts whatever is not running (in parallel) and waits until each answers. */
export async function stackUp(cfg: StackConfig, log: Log = console.log, only?: ServerChoice): Promise<StackEndpoints> {
  checkJava()
  const wanted = chosen(cfg, only)
  const toStart = wanted.filter((spec) => !liveRecord(cfg, spec))
  // Fetch, one Maven run at a time (they share ~/.m2), and check every port before starting
  // anything, so a refused port leaves nothing half-started.
  for (const artifact of new Set(toStart.map((s) => s.artifact))) {
    const jars = ensureJars(cfg.cacheDir, artifact, cfg.mavenArgs)
    if (jars.fetched) log(`fetched ${artifact} jars from Maven Central into ${jars.dir} in ${jars.seconds.toFixed(1)} s`)
  }
  const starting = new Set(toStart.map((s) => s.name))
  const peers: Record<string, Record<string, number>> = {}
  for (const spec of stackServers(cfg)) {
    const rec = liveRecord(cfg, spec)
    if (rec) peers[spec.name] = rec.ports
    else if (starting.has(spec.name)) peers[spec.name] = await resolvePorts(cfg, spec)
    else peers[spec.name] = readPorts(cfg, spec)
  }
  const results = await Promise.allSettled(wanted.map((spec) => upOne(cfg, spec, starting.has(spec.name) ? peers[spec.name] : undefined, peers, log)))
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')
  if (failed) throw failed.reason
  return endpointsOf(results.map((r) => (r as PromiseFulfilledResult<RunRecord>).value))
}

/** Stops exactly the processes this stack dir started: by recorded pid, SIGTERM then SIGKILL. */
export async function stackDown(cfg: StackConfig, log: Log = console.log, only?: ServerChoice): Promise<void> {
  await Promise.all(
    chosen(cfg, only).map(async (spec) => {
      const runFile = serverPaths(cfg.dir, spec.name).runFile
      const rec = readRunRecord(runFile)
      if (!rec) return log(`${spec.title} is not running`)
      const how = await stopProcess(rec.pid, stackMarker(cfg.dir, spec.name), cfg.stopTimeoutMs)
      removeRunRecord(runFile)
      if (how === 'not-running') log(`${spec.title} was not running (removed stale run file for pid ${rec.pid})`)
      else log(`${spec.title} stopped (pid ${rec.pid}, ${how === 'terminated' ? 'SIGTERM' : `SIGKILL after ${cfg.stopTimeoutMs} ms`})`)
    }),
  )
}

export async function stackStatus(cfg: StackConfig): Promise<ServerStatus[]> {
  return Promise.all(
    stackServers(cfg).map(async (spec): Promise<ServerStatus> => {
      const rec = liveRecord(cfg, spec)
      if (!rec) return { server: spec.title, state: 'down', version: '-' }
      const base = { server: spec.title, version: rec.version, port: rec.ports[spec.clientPort] as number, pid: rec.pid, rssMiB: rssMiB(rec.pid) }
      try {
        return { ...base, version: await spec.probe(rec, 3_000), state: 'up' }
      } catch (err) {
        return { ...base, state: 'not answering', detail: (err as Error).message }
      }
    }),
  )
}

export function formatStatus(rows: ServerStatus[], cfg: StackConfig): string {
  const lines = rows.map(
    (r) =>
      `${r.server.padEnd(10)} ${r.state.padEnd(14)} ${r.version.padEnd(8)} ${String(r.port ?? '-').padEnd(6)} ${String(r.pid ?? '-').padEnd(8)} ${r.rssMiB === undefined ? '-' : `${r.rssMiB} MiB`}${r.detail ? `  (${r.detail})` : ''}`,
  )
  return [`stack dir ${join(cfg.dir)}`, `${'server'.padEnd(10)} ${'state'.padEnd(14)} ${'version'.padEnd(8)} ${'port'.padEnd(6)} ${'pid'.padEnd(8)} rss`, ...lines].join('\n')
}

export function stackFetch(cfg: StackConfig, log: Log = console.log): void {
  for (const artifact of ['kafka', 'cassandra'] as const) {
    const r = ensureJars(cfg.cacheDir, artifact, cfg.mavenArgs)
    log(r.fetched ? `fetched ${artifact} jars into ${r.dir} in ${r.seconds.toFixed(1)} s` : `${artifact} jars already in ${r.dir}`)
  }
}
