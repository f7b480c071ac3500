// `npm run bench -- cassandra-batching [--rows 100000] [--per-mutation 1,4,16,64] [--devices 1000]`
// Cassandra's CPU per raw reading as a function of how many readings one mutation carries. The
// processor writes readings_raw in unlogged batches of one partition, (device_id, day), so a
// mutation holds the readings one device sent within one consumed Kafka batch: ~3–4 in the
// pipeline benchmark (1,000 devices at 5–8 readings/s each, sub-second batches). Cassandra was the
// largest CPU share there (bench/results/pipeline.md); this shows how much of it is per mutation
// rather than per row, which is what a storage-layout decision (issue 7's 20,000/s) turns on.
// The product's own schema (provisioned into a keyspace of its own, dropped afterwards) and its
// own INSERT statement and parameters; each size gets a warm-up pass first (Cassandra's JIT), then a measured one.
// CPU is read from /proc for the local stack's Cassandra (`npm run stack:up`); against any other
// Cassandra only the rate is reported.
import { Type } from '@sinclair/typebox'
import cassandra from 'cassandra-driver'
import { CassandraConnection, createCassandraClient } from '../config/cassandra-connection.ts'
import { rawRowOf } from '../processor/consume/effects.ts'
import { RAW_READING_INSERT, rawParams } from '../processor/store/cassandra-store.ts'
import { provisionSchema } from '../provision/provision.ts'
import { benchFlags } from './lib/bench-flags.ts'
import { localCassandraPid } from './lib/local-cassandra.ts'
import { cpuSeconds } from './lib/proc-stats.ts'
import { printTable, writeResults, type Row } from './lib/results.ts'

const Flags = Type.Object({
  rows: Type.Integer({ minimum: 1, default: 100_000, description: 'readings written per size (and again as its warm-up)' }),
  perMutation: Type.Array(Type.Integer({ minimum: 1, maximum: 1_000 }), { minItems: 1, default: [1, 4, 16, 64], description: 'readings per mutation (one unlogged single-partition batch), comma-separated' }),
  devices: Type.Integer({ minimum: 1, default: 1000, description: 'devices the readings are spread over' }),
  cassandra: CassandraConnection,
})
/** requests in flight, as the processor's store limiter allows by default */
const CONCURRENCY = 32

async function pass(client: cassandra.Client, rows: number, perMutation: number, devices: number, t0: number): Promise<number> {
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < rows) {
      const first = next
      next += perMutation
      const device = `bench-${String(Math.floor(first / perMutation) % devices).padStart(5, '0')}`
      const queries = Array.from({ length: perMutation }, (_, k) => ({
        query: RAW_READING_INSERT,
        params: rawParams(rawRowOf({ deviceId: device, seq: first + k, seqSource: 'device', boot: 1, eventTime: t0 + first + k, receivedAt: Date.now(), timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics: { temperature: 20 + k / 100, humidity: 41.2, pressure: 1012.84 }, battery: 3.9, rssi: -61 })),
      }))
      await client.batch(queries, { prepare: true, logged: false })
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: CONCURRENCY }, worker))
  return (performance.now() - start) / 1000
}

export default async function bench(argv: string[]): Promise<void> {
  const flags = benchFlags(Flags, argv, 'npm run bench -- cassandra-batching [flags]')
  if (!flags) return
  const { rows, perMutation: sizes, devices, cassandra: conn } = flags
  const keyspace = `bench_batching_${Date.now().toString(36)}`
  const cass = { ...conn, keyspace }
  await provisionSchema({ cassandra: cass })
  const client = createCassandraClient(cass)
  const pid = await localCassandraPid(conn.contactPoints)
  const table: Row[] = []
  try {
    await client.connect()
    let t0 = Date.now() - 3_600_000
    for (const k of sizes) {
      await pass(client, rows, k, devices, (t0 += 10_000_000)) // warm-up, not measured
      const cpu0 = pid ? (cpuSeconds(pid) ?? 0) : 0
      const seconds = await pass(client, rows, k, devices, (t0 += 10_000_000))
      const cpu = pid ? (cpuSeconds(pid) ?? 0) - cpu0 : 0
      table.push({
        'readings per mutation': k,
        'readings/s': Math.round(rows / seconds),
        'Cassandra CPU µs per reading': pid ? Math.round((cpu * 1e6) / rows) : '-',
        'Cassandra CPU µs per mutation': pid ? Math.round((cpu * 1e6 * k) / rows) : '-',
      })
    }
  } finally {
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { prepare: false }).catch(() => {})
    await client.shutdown()
  }
  printTable(table)
  console.log(`\n${rows.toLocaleString('en')} readings per size into readings_raw, ${devices} devices, ${CONCURRENCY} unlogged single-partition batches in flight${pid ? '' : '; CPU not measured (not the local stack\'s Cassandra)'}`)
  console.log(`written to ${writeResults('cassandra-batching', { rows, devices, concurrency: CONCURRENCY, cpuMeasured: pid !== undefined, table })}`)
}
