// `npm run bench -- sim [--quick]`: device-simulator figures (issue 3). Every loop is bounded in
// count and time; the Mosquitto broker is ours, on a free port, and is stopped at the end.
//  1. readings generated per second on one core in --out mode (target ≥ 500 000/s)
//  2. RSS per idle device with 10 000 MQTT connections in this process (target ≤ 10 KB)
//  3. sustained publish rate against Mosquitto (QoS 0 and QoS 1)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { devNull } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../device-sim/config.ts'
import { planFleet } from '../device-sim/engine/fleet-plan.ts'
import { runLive } from '../device-sim/engine/run-live.ts'
import { runOffline } from '../device-sim/engine/run-offline.ts'
import { buildDevices } from '../device-sim/engine/build-fleet.ts'
import { Simulation } from '../device-sim/engine/simulation.ts'
import { toNdjsonLine } from '../device-sim/engine/publish-record.ts'
import { ByteWriter, SLACK } from '../device-sim/engine/byte-writer.ts'
import { writeTelemetryLine } from '../device-sim/engine/telemetry-line.ts'
import type { DeviceOutput } from '../device-sim/device/device-spec.ts'
import { MqttTransport } from '../device-sim/mqtt/mqtt-transport.ts'
import { startMosquitto } from '../local-stack/mosquitto-server.ts'

const here = dirname(fileURLToPath(import.meta.url))
const cfg = (over: Record<string, unknown>): SimConfig => Value.Default(SimConfigSchema, Value.Clone(over)) as SimConfig

/**
 * Readings per second in --out mode, per wall second and per CPU second of this process (the
 * machine also runs Kafka and Cassandra, so CPU time is the fairer "per core" figure), in three
 * stages so a shortfall can be placed: the model alone (publishes counted, not serialised), the
 * model plus NDJSON encoding (lines built, not written), and the whole --out path to /dev/null.
 */
function generationRate(quick: boolean): Record<string, number> {
  const c = cfg({ profile: 'bme280', devices: 1000, interval: '1s', duration: quick ? '2m' : '10m', out: devNull, seed: 1 })
  runOffline(planFleet(cfg({ ...c, duration: '10s' })), devNull) // warm-up (JIT)
  const cpu = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1e6
  const timed = (f: () => number): { reads: number; wall: number; cpu: number } => {
    const u0 = process.cpuUsage()
    const t0 = performance.now()
    const reads = f()
    return { reads, wall: (performance.now() - t0) / 1000, cpu: cpu(process.cpuUsage(u0)) }
  }
  const inMemory = (out: DeviceOutput): number => {
    const plan = planFleet(c)
    const sim = new Simulation(buildDevices(plan), plan.startAt, plan.durationMs)
    sim.runUntil(Number.POSITIVE_INFINITY, out)
    return sim.totals().reads
  }
  const full = timed(() => runOffline(planFleet(c), devNull).totals.reads)
  // both stages take telemetry on the same fast path as the NDJSON sink (DeviceOutput.telemetry),
  // so they measure what --out runs: counted only, then lines built into a scratch buffer
  let n = 0
  const model = timed(() => inMemory({ publish: () => void n++, session: () => {}, telemetry: () => void n++ }))
  let bytes = 0
  // a Buffer, as the NDJSON sink writes into (the line template's code is compiled for it)
  const w = new ByteWriter(Buffer.allocUnsafe((64 << 10) + SLACK))
  const encode = timed(() =>
    inMemory({
      publish: (r) => void (bytes += toNdjsonLine(r).length),
      session: () => {},
      telemetry: (v) => {
        w.pos = 0
        writeTelemetryLine(w, v)
        bytes += w.pos
      },
    }),
  )
  return {
    readings: full.reads,
    ndjsonPerWallSecond: Math.round(full.reads / full.wall),
    ndjsonPerCpuSecond: Math.round(full.reads / full.cpu),
    modelPerWallSecond: Math.round(model.reads / model.wall),
    modelPerCpuSecond: Math.round(model.reads / model.cpu),
    modelEncodePerWallSecond: Math.round(encode.reads / encode.wall),
    modelEncodePerCpuSecond: Math.round(encode.reads / encode.cpu),
  }
}

async function idleConnections(url: string, n: number): Promise<Record<string, number>> {
  // RSS is compared after full collections, so garbage from ramping up is not counted as per-device
  // memory; bench/main.ts runs without --expose-gc, so switch it on here
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as (() => void) | undefined
  gc?.()
  await new Promise((r) => setTimeout(r, 200))
  const before = process.memoryUsage().rss
  const heapBefore = process.memoryUsage().heapUsed
  const transport = new MqttTransport({ url, username: '', password: '', connectTimeoutMs: 30_000, speed: 1, maxConnecting: 200 }, (id) => ({
    clientId: id,
    keepaliveS: 120,
    reconnectMs: 10_000,
    outboxExpiryMs: 30_000,
    will: { topic: `devices/${id}/status`, payload: 'offline', qos: 1 },
    jitter: () => 0.5,
  }))
  const t0 = performance.now()
  for (let i = 0; i < n; i++) transport.session({ deviceId: `bench-${String(i).padStart(5, '0')}`, at: 0, state: 'up', graceful: true })
  const deadline = t0 + 120_000
  while (transport.counters.connected < n && performance.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const rampS = (performance.now() - t0) / 1000
  await new Promise((r) => setTimeout(r, 2000))
  gc?.()
  await new Promise((r) => setTimeout(r, 200))
  const after = process.memoryUsage().rss
  const heapAfter = process.memoryUsage().heapUsed
  const connected = transport.counters.connected
  await transport.close(1000)
  return {
    connections: connected,
    rampSeconds: Number(rampS.toFixed(1)),
    connectsPerSecond: Math.round(connected / rampS),
    rssBeforeMB: Math.round(before / 1e5) / 10,
    rssAfterMB: Math.round(after / 1e5) / 10,
    kbPerIdleDevice: Number(((after - before) / 1024 / Math.max(1, connected)).toFixed(1)),
    heapKbPerIdleDevice: Number(((heapAfter - heapBefore) / 1024 / Math.max(1, connected)).toFixed(1)),
  }
}

async function publishRate(url: string, qos: 0 | 1, quick: boolean): Promise<Record<string, number>> {
  // 200 devices at a 100 ms simulated interval, time ×20: 40 000 publishes per wall second
  // offered, more than one core pushes here, so the figure is the sustained maximum
  const speed = 20
  const c = cfg({ profile: 'bme280', devices: 200, interval: '100ms', duration: quick ? '90s' : '4m', speed, qos, url, seed: 3, start: '2026-03-01T00:00:00Z', progress: 'off' })
  const r = await runLive(planFleet(c), { transport: { url, username: '', password: '', connectTimeoutMs: 10_000, speed, maxConnecting: 200 }, drainMs: 10_000 })
  const s = r.wallMs / 1000
  return {
    qos,
    devices: 200,
    offeredPerSecond: 200 * 10 * speed,
    wallSeconds: Number(s.toFixed(1)),
    published: r.transport.published,
    acknowledged: r.transport.acknowledged,
    failed: r.transport.failed,
    connectFailures: r.transport.connectFailures,
    publishesPerSecond: Math.round(r.transport.published / s),
  }
}

export default async function bench(argv: string[]): Promise<void> {
  const quick = argv.includes('--quick')
  // --only generation: the --out throughput alone (seconds, no broker), for profiling work
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : ''
  if (only !== '' && only !== 'generation') throw new Error(`--only: "${only}" is not a phase (generation)`)
  const nConn = quick ? 2000 : 10_000
  const results: Record<string, unknown> = { at: new Date().toISOString(), node: process.version, quick }
  // a fresh broker per phase, so no phase inherits another's backlog
  const withBroker = async <T>(f: (url: string) => Promise<T>): Promise<T> => {
    const broker = await startMosquitto()
    try {
      return await f(broker.url)
    } finally {
      await broker.stop()
    }
  }
  // first, so the RSS baseline is not inflated by the heap the other phases leave behind
  if (only === '') {
    results.idle = await withBroker((url) => idleConnections(url, nConn))
    console.table({ idle: results.idle })
    results.publishQos0 = await withBroker((url) => publishRate(url, 0, quick))
    results.publishQos1 = await withBroker((url) => publishRate(url, 1, quick))
    console.table({ qos0: results.publishQos0, qos1: results.publishQos1 })
  }
  results.generation = generationRate(quick)
  console.table({ generation: results.generation })
  mkdirSync(join(here, 'results'), { recursive: true })
  // a partial run keeps the other phases' last figures
  const file = join(here, 'results', 'sim.json')
  if (only !== '' && existsSync(file)) Object.assign(results, { ...(JSON.parse(readFileSync(file, 'utf8')) as object), ...results })
  writeFileSync(join(here, 'results', 'sim.json'), `${JSON.stringify(results, null, 2)}\n`)
  console.log(`wrote ${join(here, 'results', 'sim.json')}`)
}
