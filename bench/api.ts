// `npm run bench -- api [--connections=16] [--duration-s=10] [--devices=200]`: the API under
// concurrent load against the real Cassandra — the device list and one device's 24 h of 1-minute
// windows (4 metrics, 5,760 rows) — with bare Fastify routes measured in the same run as the
// ceiling: one tiny JSON reply and one replaying the same windows payload from memory. Targets
// (issue 6): p99 ≤ 50 ms, throughput ≥ 0.5× the bare route. Server and bare server run as child
// processes so the load generator does not share their event loop.
import { storedWindowSize } from '../api/store/windows-store.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type } from '@sinclair/typebox'
import cassandra from 'cassandra-driver'
import { CassandraConnection, createCassandraClient } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'
import { loadConfig } from '../config/load-config.ts'
import { provisionSchema } from '../provision/provision.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BenchConfig = Type.Object({
  connections: Type.Integer({ minimum: 1, maximum: 512, default: 16, description: 'concurrent keep-alive connections' }),
  durationS: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'seconds per scenario (after a 2 s warm-up)' }),
  devices: Type.Integer({ minimum: 1, maximum: 100_000, default: 200, description: 'devices in the registry' }),
  cacheMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000, description: "the API's --limits-cache-ms (0 measures every request against Cassandra)" }),
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
})

const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const a = s.address()
      s.close(() => (typeof a === 'object' && a ? resolve(a.port) : reject(new Error('no port'))))
    })
  })

async function waitHttp(url: string, child: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`${url}: server exited ${child.exitCode}`)
    try {
      if ((await fetch(url)).ok) return
    } catch {}
    await new Promise((r) => setTimeout(r, 200))
  }
  throw new Error(`${url} did not answer`)
}

interface Result {
  scenario: string
  requests: number
  rps: number
  p50: number
  p95: number
  p99: number
  max: number
  bytes: number
  errors: number
}

async function load(scenario: string, url: string, connections: number, durationS: number): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent }, (res) => {
        let n = 0
        res.on('data', (c: Buffer) => (n += c.length))
        res.on('end', () => (res.statusCode === 200 ? resolve(n) : reject(new Error(`HTTP ${res.statusCode}`))))
      })
      req.on('error', reject)
      req.end()
    })
  const run = async (ms: number, record: boolean) => {
    const lat: number[] = []
    let bytes = 0
    let errors = 0
    const end = performance.now() + ms
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < end) {
          const t = performance.now()
          try {
            bytes = await once()
            if (record) lat.push(performance.now() - t)
          } catch {
            errors++
          }
        }
      }),
    )
    return { lat, bytes, errors }
  }
  await run(2_000, false)
  const t0 = performance.now()
  const { lat, bytes, errors } = await run(durationS * 1000, true)
  const secs = (performance.now() - t0) / 1000
  agent.destroy()
  lat.sort((a, b) => a - b)
  const q = (p: number): number => Number((lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? Number.NaN).toFixed(2))
  return { scenario, requests: lat.length, rps: Math.round(lat.length / secs), p50: q(0.5), p95: q(0.95), p99: q(0.99), max: q(1), bytes, errors }
}

async function seed(client: cassandra.Client, devices: number): Promise<number> {
  const now = Date.now()
  const ins = 'INSERT INTO devices (device_id, sensor, dialect, site, status, first_seen, last_seen, reporting_interval_ms, boot, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
  for (let i = 0; i < devices; i += 50) {
    await Promise.all(
      Array.from({ length: Math.min(50, devices - i) }, (_, j) =>
        client.execute(ins, [`bench-${String(i + j).padStart(5, '0')}`, 'bme280', 'native', 'bench', 'online', new Date(now - 86_400_000), new Date(now), 10_000, 1, cassandra.types.Long.fromNumber(8640)], { prepare: true }),
      ),
    )
  }
  const win =
    'INSERT INTO window_aggregates (device_id, window_size, day, window_start, metric, count, min, max, mean, stddev, first_event, last_event, expected_count, completeness, late_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
  const end = Math.floor(now / 60_000) * 60_000
  const rows: Array<[number, string, number]> = []
  for (let m = 0; m < 1440; m++) for (const [k, metric] of ['temperature', 'humidity', 'pressure', 'battery'].entries()) rows.push([end - m * 60_000, metric, 20 + k * 10 + Math.sin(m / 30)])
  for (let i = 0; i < rows.length; i += 64) {
    await Promise.all(
      rows.slice(i, i + 64).map(([t, metric, mean]) =>
        client.execute(
          win,
          ['bench-00000', storedWindowSize(60), cassandra.types.LocalDate.fromString(new Date(t).toISOString().slice(0, 10)), new Date(t), metric, 6, mean - 0.5, mean + 0.5, mean, 0.2, new Date(t), new Date(t + 59_000), 6, 1, 0],
          { prepare: true },
        ),
      ),
    )
  }
  return end + 60_000
}

const BARE = `
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
const payload = JSON.parse(readFileSync(process.argv[2], 'utf8'))
const app = Fastify({ logger: false })
app.get('/bare', async () => ({ ok: true }))
app.get('/bare-payload', async () => payload)
await app.listen({ host: '127.0.0.1', port: Number(process.argv[1]) })
`

export default async function apiBench(argv: string[]): Promise<void> {
  const cfg = loadConfig(BenchConfig, { argv })
  const keyspace = `bench_api_${Date.now().toString(36)}`
  const conn = { ...cfg.cassandra, keyspace }
  const children: ChildProcess[] = []
  await provisionSchema({ cassandra: conn })
  const client = createCassandraClient(conn)
  try {
    console.log(`seeding ${keyspace}: ${cfg.devices} devices, 24 h of 1-minute windows x 4 metrics for one device …`)
    const to = await seed(client, cfg.devices)
    const windowsPath = `/api/devices/bench-00000/windows?size=1m&from=${to - 86_400_000}&to=${to}`

    const apiPort = await freePort()
    const env = { ...process.env, IOT_CASSANDRA_KEYSPACE: keyspace, IOT_CASSANDRA_CONTACT_POINTS: cfg.cassandra.contactPoints.join(','), IOT_KAFKA_BROKERS: cfg.kafka.brokers.join(',') }
    const api = spawn(process.execPath, ['--import', 'tsx', 'api/main.ts', '--http-host=127.0.0.1', `--http-port=${apiPort}`, '--http-log-level=warn', `--limits-cache-ms=${cfg.cacheMs}`], { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(api)
    const apiBase = `http://127.0.0.1:${apiPort}`
    await waitHttp(`${apiBase}/health`, api)
    const payloadFile = join(tmpdir(), `${keyspace}-payload.json`)
    const payload = await (await fetch(apiBase + windowsPath)).text()
    writeFileSync(payloadFile, payload)
    const rows = (JSON.parse(payload) as { items: unknown[] }).items.length
    const barePort = await freePort()
    const bare = spawn(process.execPath, ['--input-type=module', '-e', BARE, String(barePort), payloadFile], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(bare)
    const bareBase = `http://127.0.0.1:${barePort}`
    await waitHttp(`${bareBase}/bare`, bare)

    const { connections: c, durationS: d } = cfg
    console.log(`load: ${c} connections, ${d} s per scenario (+2 s warm-up), API cache ${cfg.cacheMs} ms; windows payload ${rows} rows, ${(payload.length / 1024).toFixed(0)} KiB`)
    const results: Result[] = []
    results.push(await load('bare Fastify {ok:true}', `${bareBase}/bare`, c, d))
    results.push(await load('GET /api/devices (100 of registry)', `${apiBase}/api/devices?limit=100`, c, d))
    results.push(await load('bare Fastify, same windows payload', `${bareBase}/bare-payload`, c, d))
    results.push(await load('GET /api/devices/:id/windows 24 h x 1 min', apiBase + windowsPath, c, d))
    results.push(await load('same, format=columns', `${apiBase}${windowsPath}&format=columns`, c, d))

    const bareRps = results[0]?.rps ?? 1
    const barePayloadRps = results[2]?.rps ?? 1
    const ratio = (r: Result | undefined, base: number): number => Number(((r?.rps ?? 0) / base).toFixed(2))
    const summary = {
      devicesVsBare: ratio(results[1], bareRps),
      windowsVsBare: ratio(results[3], bareRps),
      windowsVsBareSamePayload: ratio(results[3], barePayloadRps),
      windowsColumnsVsBare: ratio(results[4], bareRps),
      targets: { p99Ms: 50, throughputVsBare: 0.5 },
    }
    console.log('')
    console.table(results.map((r) => ({ scenario: r.scenario, 'req/s': r.rps, 'p50 ms': r.p50, 'p95 ms': r.p95, 'p99 ms': r.p99, 'max ms': r.max, 'KiB/resp': Number((r.bytes / 1024).toFixed(1)), errors: r.errors })))
    console.log(
      `devices list: ${summary.devicesVsBare}x bare; 24 h windows: ${summary.windowsVsBare}x bare, ${summary.windowsVsBareSamePayload}x bare with the same payload, ` +
        `columns ${summary.windowsColumnsVsBare}x bare (targets: ≥ 0.5x, p99 ≤ 50 ms)`,
    )
    mkdirSync(join(root, 'bench', 'results'), { recursive: true })
    const out = { bench: 'api', at: new Date().toISOString(), connections: c, durationS: d, cacheMs: cfg.cacheMs, devices: cfg.devices, windowRows: rows, results, summary }
    const file = cfg.cacheMs === 1_000 ? 'api.json' : `api-cache-${cfg.cacheMs}.json`
    writeFileSync(join(root, 'bench', 'results', file), `${JSON.stringify(out, null, 2)}\n`)
    console.log(`wrote bench/results/${file}`)
  } finally {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGTERM')
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await client.shutdown()
  }
}
