// `npm run bench -- api [--connections=16] [--duration-s=10] [--devices=200] [--cache-ms=1000]
// [--accept-encoding=gzip]`: the API under concurrent load against the real Cassandra. The target query
// (issue 6) is one device's 24 h of 1-minute windows of one metric (1,440 windows, `metric=temperature`;
// the device has 4 metrics, 5,760 rows a day). Targets: p99 ≤ 50 ms and throughput ≥ 0.5x a bare
// Fastify route measured in the same run that returns the very same bytes (same Content-Encoding),
// pre-encoded — so the ratio measures our per-request work (routing, validation, hooks, the query and
// its serialisation, amortised by the cache), not the cost of moving the body over a socket, which no
// API can avoid. The client sends Accept-Encoding: gzip by default, as the dashboard's browser does;
// `--accept-encoding=identity` measures uncompressed bodies. A second API server with the cache off
// shows what every request costs when it goes to Cassandra; the device list and the 4-metric forms
// (rows, and columns as the dashboard asks) are measured for context. Servers run as child processes
// so the load generator does not share their event loop.
import { storedWindowSize } from '../api/store/windows-store.ts'
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { Agent, request } from 'node:http'
import { tmpdir } from 'node:os'
import { gunzipSync } from 'node:zlib'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type } from '@sinclair/typebox'
import cassandra from 'cassandra-driver'
import { CassandraConnection, createCassandraClient } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'
import { freePort } from '../local-stack/preflight.ts'
import { provisionSchema } from '../provision/provision.ts'
import { benchFlags } from './lib/bench-flags.ts'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const BenchConfig = Type.Object({
  connections: Type.Integer({ minimum: 1, maximum: 512, default: 16, description: 'concurrent keep-alive connections' }),
  durationS: Type.Integer({ minimum: 1, maximum: 600, default: 10, description: 'seconds per scenario (after a 2 s warm-up)' }),
  devices: Type.Integer({ minimum: 1, maximum: 100_000, default: 200, description: 'devices in the registry' }),
  cacheMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000, description: "the API's --limits-cache-ms (0 measures every request against Cassandra)" }),
  acceptEncoding: Type.String({ default: 'gzip', description: "the load generator's Accept-Encoding, as a browser sends it ('identity': uncompressed)" }),
  cpuProfDir: Type.String({ default: '', description: 'when set, the API server runs with --cpu-prof and writes its profile here' }),
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
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

/** One GET with the body as it came over the wire (not decompressed, unlike fetch()). */
function getRaw(url: string, headers: Record<string, string>): Promise<{ status: number; encoding: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    request(url, { headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, encoding: String(res.headers['content-encoding'] ?? 'identity'), body: Buffer.concat(chunks) }))
    })
      .on('error', reject)
      .end()
  })
}

async function load(scenario: string, url: string, connections: number, durationS: number, headers: Record<string, string>): Promise<Result> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections })
  const once = (): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(url, { agent, headers }, (res) => {
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

// The ceiling: Fastify with no plugins, hooks or schemas. /bare/:i replays payload file i exactly
// as the API sent it (same bytes, same Content-Encoding, from a Buffer), /bare a tiny JSON object.
const BARE = `
import Fastify from 'fastify'
import { readFileSync } from 'node:fs'
const payloads = process.argv.slice(2).map((a) => { const [file, encoding] = a.split('|'); return { body: readFileSync(file), encoding } })
const app = Fastify({ logger: false })
app.get('/bare', async () => ({ ok: true }))
app.get('/bare/:i', (req, reply) => {
  const p = payloads[Number(req.params.i)]
  if (p.encoding !== 'identity') reply.header('content-encoding', p.encoding)
  return reply.type('application/json; charset=utf-8').send(p.body)
})
await app.listen({ host: '127.0.0.1', port: Number(process.argv[1]) })
`

export default async function apiBench(argv: string[]): Promise<void> {
  const cfg = benchFlags(BenchConfig, argv, 'npm run bench -- api [flags]')
  if (!cfg) return
  const keyspace = `bench_api_${Date.now().toString(36)}`
  const conn = { ...cfg.cassandra, keyspace }
  const children: ChildProcess[] = []
  const payloadFiles: string[] = []
  await provisionSchema({ cassandra: conn })
  const client = createCassandraClient(conn)
  try {
    console.log(`seeding ${keyspace}: ${cfg.devices} devices, 24 h of 1-minute windows x 4 metrics for one device …`)
    const to = await seed(client, cfg.devices)
    const windowsPath = `/api/devices/bench-00000/windows?size=1m&from=${to - 86_400_000}&to=${to}`
    const targetPath = `${windowsPath}&metric=temperature`

    const env = { ...process.env, IOT_CASSANDRA_KEYSPACE: keyspace, IOT_CASSANDRA_CONTACT_POINTS: cfg.cassandra.contactPoints.join(','), IOT_KAFKA_BROKERS: cfg.kafka.brokers.join(',') }
    const startApi = async (cacheMs: number, prof: boolean): Promise<string> => {
      const port = await freePort()
      const args = [...(prof && cfg.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cfg.cpuProfDir}`] : []), '--import', 'tsx', 'api/main.ts', '--http-host=127.0.0.1', `--http-port=${port}`, '--http-log-level=warn', `--limits-cache-ms=${cacheMs}`]
      const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'ignore', 'inherit'] })
      children.push(child)
      await waitHttp(`http://127.0.0.1:${port}/health`, child)
      return `http://127.0.0.1:${port}`
    }
    const apiBase = await startApi(cfg.cacheMs, true)
    const apiNoCache = await startApi(0, false)
    // The bare server replays exactly the bytes the API answers, fetched once from the API itself.
    const headers = { 'accept-encoding': cfg.acceptEncoding }
    const payloads: Array<{ body: Buffer; encoding: string; rows: number }> = []
    for (const [i, path] of [targetPath, windowsPath].entries()) {
      const res = await getRaw(apiBase + path, headers)
      if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status} ${res.body.toString()}`)
      const json = res.encoding === 'gzip' ? gunzipSync(res.body) : res.body
      payloads.push({ ...res, rows: (JSON.parse(json.toString()) as { items: unknown[] }).items.length })
      payloadFiles.push(join(tmpdir(), `${keyspace}-payload-${i}.json`))
      writeFileSync(payloadFiles[i] as string, res.body)
    }
    const targetRows = payloads[0]?.rows ?? 0
    const allRows = payloads[1]?.rows ?? 0
    const barePort = await freePort()
    const bareArgs = payloadFiles.map((f, i) => `${f}|${payloads[i]?.encoding}`)
    const bare = spawn(process.execPath, ['--input-type=module', '-e', BARE, String(barePort), ...bareArgs], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] })
    children.push(bare)
    const bareBase = `http://127.0.0.1:${barePort}`
    await waitHttp(`${bareBase}/bare`, bare)

    const { connections: c, durationS: d } = cfg
    const kib = (p: { body: Buffer; encoding: string } | undefined): string => `${((p?.body.length ?? 0) / 1024).toFixed(0)} KiB ${p?.encoding}`
    console.log(
      `load: ${c} connections, ${d} s per scenario (+2 s warm-up), API cache ${cfg.cacheMs} ms, Accept-Encoding: ${cfg.acceptEncoding}; ` +
        `target payload ${targetRows} rows, ${kib(payloads[0])}; all metrics ${allRows} rows, ${kib(payloads[1])}`,
    )
    const results: Result[] = []
    const run = async (scenario: string, url: string): Promise<Result> => {
      const r = await load(scenario, url, c, d, headers)
      results.push(r)
      return r
    }
    const bareTiny = await run('bare Fastify {ok:true}', `${bareBase}/bare`)
    const bareTarget = await run('bare Fastify, same bytes as target', `${bareBase}/bare/0`)
    const target = await run('TARGET windows 24 h x 1 min, 1 metric', apiBase + targetPath)
    const uncached = await run('same, API cache off', apiNoCache + targetPath)
    const devices = await run('GET /api/devices (100 of registry)', `${apiBase}/api/devices?limit=100`)
    const bareAll = await run('bare Fastify, same bytes as 4 metrics', `${bareBase}/bare/1`)
    const all = await run('windows 24 h x 1 min, 4 metrics', apiBase + windowsPath)
    const columns = await run('same, format=columns (dashboard)', `${apiBase}${windowsPath}&format=columns`)

    const ratio = (r: Result, base: Result): number => Number((r.rps / Math.max(1, base.rps)).toFixed(2))
    const summary = {
      targetVsBareSameBytes: ratio(target, bareTarget),
      targetP99Ms: target.p99,
      targetMet: target.p99 <= 50 && ratio(target, bareTarget) >= 0.5,
      uncachedVsBareSameBytes: ratio(uncached, bareTarget),
      targetVsBareTiny: ratio(target, bareTiny),
      devicesVsBareTiny: ratio(devices, bareTiny),
      allMetricsVsBareSameBytes: ratio(all, bareAll),
      columnsVsBareTiny: ratio(columns, bareTiny),
      targets: { p99Ms: 50, throughputVsBareSameBytes: 0.5 },
    }
    console.log('')
    console.table(results.map((r) => ({ scenario: r.scenario, 'req/s': r.rps, 'p50 ms': r.p50, 'p95 ms': r.p95, 'p99 ms': r.p99, 'max ms': r.max, 'KiB/resp': Number((r.bytes / 1024).toFixed(1)), errors: r.errors })))
    console.log(
      `target (1 metric, ${targetRows} windows): ${summary.targetVsBareSameBytes}x bare with the same bytes, p99 ${target.p99} ms ` +
        `(targets: ≥ 0.5x, p99 ≤ 50 ms: ${summary.targetMet ? 'met' : 'NOT met'}); cache off ${summary.uncachedVsBareSameBytes}x; ` +
        `4 metrics ${summary.allMetricsVsBareSameBytes}x bare with the same bytes; devices list ${summary.devicesVsBareTiny}x bare {ok:true}`,
    )
    mkdirSync(join(root, 'bench', 'results'), { recursive: true })
    const out = { bench: 'api', at: new Date().toISOString(), connections: c, durationS: d, cacheMs: cfg.cacheMs, acceptEncoding: cfg.acceptEncoding, devices: cfg.devices, targetRows, allRows, results, summary }
    const file = `api${cfg.cacheMs === 1_000 ? '' : `-cache-${cfg.cacheMs}`}${cfg.acceptEncoding === 'gzip' ? '' : `-${cfg.acceptEncoding}`}.json`
    writeFileSync(join(root, 'bench', 'results', file), `${JSON.stringify(out, null, 2)}\n`)
    console.log(`wrote bench/results/${file}`)
  } finally {
    for (const ch of children) if (ch.exitCode === null) ch.kill('SIGTERM')
    for (const f of payloadFiles) rmSync(f, { force: true })
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await client.shutdown()
  }
}
