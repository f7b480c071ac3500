// `npm run bench -- cassandra-raw-layout [--rows 1000000] [--rate 8000] [--layouts typed,json]`
// Cassandra's CPU per stored raw reading for the two layouts of readings_raw, under sustained
// load and including what the load costs later: flushes and compactions. Each layout is written at
// a fixed rate into a keyspace of its own (the product's schema), 4 readings of one device per
// mutation as the processor sends them, and its CPU is counted from the first write until no
// compaction has run for a few seconds. `typed` is cql/001's row (12 columns, metrics in a
// non-frozen map: ~13 cells and a collection tombstone per reading), `json` the processor's since
// cql/003 (typed key columns plus the canonical reading in one text cell). A short burst of both
// layouts into a throwaway keyspace warms Cassandra's JIT first. The cassandra-batching benchmark
// times writes only; this one exists because compaction, which it cannot see, was the largest
// share of Cassandra's CPU under the pipeline benchmark. CPU is read from /proc for the local
// stack's Cassandra; against any other Cassandra only the rate is reported.
import { Type } from '@sinclair/typebox'
import cassandra from 'cassandra-driver'
import { CassandraConnection, createCassandraClient } from '../config/cassandra-connection.ts'
import type { Reading } from '../contracts/reading.ts'
import { rawRowOf } from '../processor/consume/effects.ts'
import { RAW_READING_INSERT, rawParams } from '../processor/store/cassandra-store.ts'
import { provisionSchema } from '../provision/provision.ts'
import { benchFlags } from './lib/bench-flags.ts'
import { localCassandraPid } from './lib/local-cassandra.ts'
import { cpuSeconds } from './lib/proc-stats.ts'
import { printTable, writeResults, type Row } from './lib/results.ts'

const Layout = Type.Union([Type.Literal('typed'), Type.Literal('json')])
type Layout = 'typed' | 'json'
const Flags = Type.Object({
  rows: Type.Integer({ minimum: 1_000, default: 1_000_000, description: 'readings written per layout' }),
  rate: Type.Integer({ minimum: 100, default: 8_000, description: 'readings/s offered (fixed rate, as a pipeline would)' }),
  layouts: Type.Array(Layout, { minItems: 1, default: ['typed', 'json'], description: 'layouts to measure, in order (repeat one to measure it twice)' }),
  perMutation: Type.Integer({ minimum: 1, maximum: 100, default: 4, description: 'readings of one device per mutation (unlogged single-partition batch)' }),
  devices: Type.Integer({ minimum: 1, default: 1000, description: 'devices the readings are spread over' }),
  cassandra: CassandraConnection,
})
/** requests in flight at most, as the processor's store limiter allows by default */
const MAX_IN_FLIGHT = 32
/** compaction counts as settled after this long with no sstable task running */
const SETTLED_MS = 6_000

/** cql/001's INSERT, the processor's statement before cql/003. */
const TYPED_INSERT = 'INSERT INTO readings_raw (device_id, day, event_time, boot, seq, received_at, time_source, sensor, dialect, metrics, battery, rssi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'

function statement(layout: Layout, r: Reading): { query: string; params: unknown[] } {
  if (layout === 'json') return { query: RAW_READING_INSERT, params: rawParams(rawRowOf(r)) }
  const day = cassandra.types.LocalDate.fromDate(new Date(r.eventTime))
  const params = [r.deviceId, day, new Date(r.eventTime), r.boot, cassandra.types.Long.fromNumber(r.seq), new Date(r.receivedAt), r.timeSource, r.sensor, r.dialect, r.metrics, r.battery, r.rssi]
  return { query: TYPED_INSERT, params }
}

function reading(device: string, n: number, t0: number): Reading {
  return {
    deviceId: device, seq: n, seqSource: 'device', boot: 1, eventTime: t0 + n, receivedAt: t0 + n + 40, timeSource: 'device', sensor: 'bme280', dialect: 'native',
    metrics: { temperature: 20 + (n % 500) / 100, humidity: 41.2 + (n % 7) / 10, pressure: 1012.84 }, battery: 3.9, rssi: -61,
  }
}

/** Writes `rows` readings at `rate`/s (0 = as fast as MAX_IN_FLIGHT allows); resolves with the seconds taken. */
function write(client: cassandra.Client, layout: Layout, rows: number, rate: number, perMutation: number, devices: number): Promise<number> {
  const t0 = Date.now()
  const start = performance.now()
  let sent = 0
  let inFlight = 0
  return new Promise((resolve, reject) => {
    const tick = setInterval(() => {
      const due = rate > 0 ? Math.min(rows, Math.floor(((performance.now() - start) / 1000) * rate)) : rows
      while (sent < due && inFlight < MAX_IN_FLIGHT) {
        const first = sent
        const n = Math.min(perMutation, rows - first)
        sent += n
        inFlight++
        const device = `bench-${String(Math.floor(first / perMutation) % devices).padStart(5, '0')}`
        const queries = Array.from({ length: n }, (_, k) => statement(layout, reading(device, first + k, t0)))
        client.batch(queries, { prepare: true, logged: false }).then(
          () => {
            inFlight--
            if (sent >= rows && inFlight === 0) {
              clearInterval(tick)
              resolve((performance.now() - start) / 1000)
            }
          },
          (err: unknown) => {
            clearInterval(tick)
            reject(err)
          },
        )
      }
    }, 5)
  })
}

async function compactionSettled(client: cassandra.Client): Promise<void> {
  let quietSince = Date.now()
  while (Date.now() - quietSince < SETTLED_MS) {
    await new Promise((r) => setTimeout(r, 1_000))
    const tasks = await client.execute('SELECT keyspace_name FROM system_views.sstable_tasks')
    if (tasks.rowLength > 0) quietSince = Date.now()
  }
}

async function withKeyspace<T>(conn: CassandraConnection, use: (client: cassandra.Client, keyspace: string) => Promise<T>): Promise<T> {
  const keyspace = `bench_layout_${Date.now().toString(36)}${Math.random().toString(36).slice(2, 5)}`
  await provisionSchema({ cassandra: { ...conn, keyspace } })
  const client = createCassandraClient({ ...conn, keyspace })
  try {
    await client.connect()
    return await use(client, keyspace)
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { prepare: false }).catch(() => {})
    await client.shutdown()
  }
}

export default async function bench(argv: string[]): Promise<void> {
  const flags = benchFlags(Flags, argv, 'npm run bench -- cassandra-raw-layout [flags]')
  if (!flags) return
  const { rows, rate, layouts, perMutation, devices, cassandra: conn } = flags
  const pid = await localCassandraPid(conn.contactPoints)
  console.log(`warm-up: 100,000 readings of each layout, not measured …`)
  await withKeyspace(conn, async (client) => {
    for (const layout of ['typed', 'json'] as const) await write(client, layout, 100_000, 0, perMutation, devices)
  })
  const table: Row[] = []
  for (const layout of layouts) {
    console.log(`${layout}: ${rows.toLocaleString('en')} readings at ${rate.toLocaleString('en')}/s, then until compaction settles …`)
    table.push(
      await withKeyspace(conn, async (client, keyspace) => {
        const cpu0 = pid ? (cpuSeconds(pid) ?? 0) : 0
        const seconds = await write(client, layout, rows, rate, perMutation, devices)
        const cpuWrites = pid ? (cpuSeconds(pid) ?? 0) - cpu0 : 0
        await compactionSettled(client)
        const cpu = pid ? (cpuSeconds(pid) ?? 0) - cpu0 : 0
        const history = await client.execute('SELECT bytes_in FROM system.compaction_history WHERE keyspace_name = ? ALLOW FILTERING', [keyspace], { prepare: true })
        const us = (s: number): number | string => (pid ? Math.round((s * 1e6) / rows) : '-')
        return {
          layout,
          'readings/s': Math.round(rows / seconds),
          'Cassandra CPU µs per reading, writes + flushes + compactions': us(cpu),
          'of which after the last write': us(cpu - cpuWrites),
          compactions: history.rowLength,
          'MB compacted (bytes in)': Math.round(history.rows.reduce((n, r) => n + Number(r.get('bytes_in')), 0) / 1e6),
        }
      }),
    )
  }
  printTable(table)
  console.log(
    `\n${rows.toLocaleString('en')} readings per layout, ${devices} devices, ${perMutation} per mutation, at most ${MAX_IN_FLIGHT} requests in flight` +
      (pid ? '' : "; CPU not measured (not the local stack's Cassandra)"),
  )
  console.log(`written to ${writeResults('cassandra-raw-layout', { rows, rate, perMutation, devices, cpuMeasured: pid !== undefined, table })}`)
}
