// Real Kafka + real Cassandra for processor integration tests: a fresh keyspace migrated with
// every cql/ file, fresh topics, a producer for the golden stream, and readers of what the
// processor stored. Everything is named with uniqueName() so runs never interfere.
import cassandra from 'cassandra-driver'
import { Kafka, type Admin } from 'kafkajs'
import { createCassandraClient, type CassandraConnection } from '../../../config/cassandra-connection.ts'
import { kafkaClientConfig, type KafkaConnection } from '../../../config/kafka-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { provisionSchema } from '../../../provision/provision.ts'
import { ProcessorConfig } from '../../../processor/config.ts'
import { fastReconnect } from '../../../processor/store/fast-reconnect.ts'
import { utcDay } from '../../../processor/windows/tumbling-window.ts'
import { createTopicsReady } from '../../../provision/topic-leaders.ts'
import { uniqueName } from '../../helpers/stack-env.ts'
import type { Delivery, ExpectedWindow, StreamSpec } from './golden-stream.ts'

/** Re-exported: the processor and pipeline suites have always imported it from here. */
export { waitFor } from '../../helpers/wait-for.ts'

export interface Fixture {
  kafka: Kafka
  admin: Admin
  client: cassandra.Client
  cassandra: CassandraConnection
  kafkaConn: KafkaConnection
  keyspace: string
  topics: { readings: string; dlq: string; anomalies: string; events: string }
  groupId: string
  destroy(): Promise<void>
}

export async function fixture(conn: { kafka: KafkaConnection; cassandra: CassandraConnection }, partitions: number): Promise<Fixture> {
  const keyspace = uniqueName('proc').toLowerCase()
  const cass = { ...conn.cassandra, keyspace }
  await provisionSchema({ cassandra: cass })
  const client = createCassandraClient(cass, fastReconnect())
  await client.connect()
  const kafka = new Kafka(kafkaClientConfig(conn.kafka, 'proc-test'))
  const admin = kafka.admin()
  await admin.connect()
  const topics = { readings: uniqueName('t.readings'), dlq: uniqueName('t.dlq'), anomalies: uniqueName('t.anomalies'), events: uniqueName('t.events') }
  await createTopicsReady(admin, [
    { topic: topics.readings, numPartitions: partitions },
    { topic: topics.dlq, numPartitions: 1 },
    { topic: topics.anomalies, numPartitions: 1 },
    { topic: topics.events, numPartitions: 1 },
  ])
  return {
    kafka,
    admin,
    client,
    cassandra: cass,
    kafkaConn: conn.kafka,
    keyspace,
    topics,
    groupId: uniqueName('g.proc'),
    destroy: async () => {
      await admin.deleteTopics({ topics: Object.values(topics) }).catch(() => {})
      await admin.disconnect()
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`, [], { prepare: false }).catch(() => {})
      await client.shutdown()
    },
  }
}

/** Flags of a processor for this fixture (also used for child processes). */
export function processorArgv(f: Fixture, extra: Record<string, string | number | boolean>): string[] {
  const base: Record<string, string | number | boolean> = {
    'kafka-brokers': f.kafkaConn.brokers.join(','),
    'cassandra-contact-points': f.cassandra.contactPoints.join(','),
    'cassandra-keyspace': f.keyspace,
    'processor-group-id': f.groupId,
    'processor-readings-topic': f.topics.readings,
    'processor-dlq-topic': f.topics.dlq,
    'processor-anomalies-topic': f.topics.anomalies,
    'processor-device-events-topic': f.topics.events,
    'processor-http-port': 0,
    'processor-session-timeout-ms': 6_000,
    'processor-log-level': 'warn',
    ...extra,
  }
  return Object.entries(base).map(([k, v]) => `--${k}=${v}`)
}

export const processorConfig = (f: Fixture, extra: Record<string, string | number | boolean>): ProcessorConfig =>
  loadConfig(ProcessorConfig, { argv: processorArgv(f, extra), env: {} })

export async function produce(f: Fixture, deliveries: Delivery[], chunk = 2_000): Promise<void> {
  const producer = f.kafka.producer()
  await producer.connect()
  try {
    for (let i = 0; i < deliveries.length; i += chunk) {
      await producer.send({
        topic: f.topics.readings,
        acks: -1,
        messages: deliveries.slice(i, i + chunk).map((d) => ({ partition: d.partition, key: d.key, value: d.value })),
      })
    }
  } finally {
    await producer.disconnect()
  }
}

export interface StoredWindow {
  count: number
  mean: number | null
  stddev: number | null
  min: number | null
  max: number | null
  first: number | null
  last: number | null
  late: number
  invalid: number
  expected: number | null
  completeness: number | null
}

export async function readWindows(f: Fixture, deviceIds: string[], spec: Pick<StreamSpec, 'windowSizesMs'>, days: string[]): Promise<Map<string, StoredWindow>> {
  const out = new Map<string, StoredWindow>()
  const q = `SELECT device_id, window_size, window_start, metric, count, mean, stddev, min, max, first_event, last_event, late_count, invalid_count, expected_count, completeness FROM window_aggregates WHERE device_id = ? AND window_size = ? AND day = ?`
  const jobs = deviceIds.flatMap((d) => spec.windowSizesMs.flatMap((size) => days.map((day) => ({ d, size, day }))))
  await Promise.all(
    jobs.map(async ({ d, size, day }) => {
      const rs = await f.client.execute(q, [d, size, cassandra.types.LocalDate.fromString(day)], { prepare: true, fetchSize: 10_000 })
      for (const r of rs.rows) {
        const ms = (x: unknown): number | null => (x instanceof Date ? x.getTime() : null)
        out.set(`${d}|${r.get('metric')}|${size}|${(r.get('window_start') as Date).getTime()}`, {
          count: r.get('count') as number,
          mean: r.get('mean') as number | null,
          stddev: r.get('stddev') as number | null,
          min: r.get('min') as number | null,
          max: r.get('max') as number | null,
          first: ms(r.get('first_event')),
          last: ms(r.get('last_event')),
          late: (r.get('late_count') as number | null) ?? 0,
          invalid: (r.get('invalid_count') as number | null) ?? 0,
          expected: r.get('expected_count') as number | null,
          completeness: r.get('completeness') as number | null,
        })
      }
    }),
  )
  return out
}

export const daysOf = (expected: Map<string, ExpectedWindow>): string[] => [...new Set([...expected.values()].map((w) => utcDay(w.start)))]

/** Differences between stored windows and the oracle; empty when they agree. */
export function compareWindows(stored: Map<string, StoredWindow>, expected: Map<string, ExpectedWindow>, opts: { late?: boolean } = {}): string[] {
  const problems: string[] = []
  const wanted = [...expected].filter(([, e]) => e.count > 0 || e.invalid > 0)
  for (const [k, e] of wanted) {
    const s = stored.get(k)
    if (!s) {
      problems.push(`${k}: missing`)
      continue
    }
    if (s.count !== e.count) problems.push(`${k}: count ${s.count} ≠ ${e.count}`)
    if (s.invalid !== e.invalid) problems.push(`${k}: invalid ${s.invalid} ≠ ${e.invalid}`)
    if (opts.late !== false && s.late !== e.late) problems.push(`${k}: late ${s.late} ≠ ${e.late}`)
    if (e.count > 0) {
      if (s.mean === null || Math.abs(s.mean - e.mean) > 1e-9) problems.push(`${k}: mean ${s.mean} ≠ ${e.mean}`)
      if (s.stddev === null || Math.abs(s.stddev - e.stddev) > 1e-9) problems.push(`${k}: stddev ${s.stddev} ≠ ${e.stddev}`)
      if (s.min !== e.min || s.max !== e.max) problems.push(`${k}: min/max ${s.min}/${s.max} ≠ ${e.min}/${e.max}`)
      if (s.first !== e.first || s.last !== e.last) problems.push(`${k}: first/last ${s.first}/${s.last} ≠ ${e.first}/${e.last}`)
    }
  }
  if (stored.size !== wanted.length) problems.push(`${stored.size} windows stored, ${wanted.length} expected`)
  return problems
}

/** Waits until the stored windows equal the oracle (or the timeout), returning the last problems. */
export async function settle(f: Fixture, expected: Map<string, ExpectedWindow>, deviceIds: string[], spec: StreamSpec, timeoutMs: number, opts: { late?: boolean } = {}): Promise<string[]> {
  const deadline = Date.now() + timeoutMs
  let problems: string[] = ['not read yet']
  while (Date.now() < deadline) {
    try {
      problems = compareWindows(await readWindows(f, deviceIds, spec, daysOf(expected)), expected, opts)
    } catch (err) {
      problems = [`read failed: ${(err as Error).message}`]
    }
    if (problems.length === 0) return []
    await new Promise((r) => setTimeout(r, 1_000))
  }
  return problems
}

/**
 * Raw rows stored for the deliveries' readings against the readings that should be there: one row
 * per unique (deviceId, seq) — duplicates and poison records store nothing. Counted per
 * (device, day) partition with COUNT(*), so a row written twice would show as one (the key is the
 * reading's), and a row lost shows as a shortfall.
 */
export async function rawRowCounts(f: Fixture, deliveries: readonly Delivery[]): Promise<{ stored: number; unique: number }> {
  const readings = deliveries.flatMap((d) => (d.reading ? [d.reading] : []))
  const unique = new Set(readings.map((r) => `${r.deviceId}/${r.seq}`)).size
  const partitions = new Set(readings.map((r) => `${r.deviceId}|${utcDay(r.eventTime)}`))
  let stored = 0
  for (const p of partitions) {
    const [device, day] = p.split('|') as [string, string]
    const rs = await f.client.execute('SELECT COUNT(*) AS n FROM readings_raw WHERE device_id = ? AND day = ?', [device, cassandra.types.LocalDate.fromString(day)], { prepare: true })
    stored += Number(rs.first()?.get('n'))
  }
  return { stored, unique }
}

/** Waits until every unique reading has its raw row (or the timeout), returning the last counts. */
export async function settleRaw(f: Fixture, deliveries: readonly Delivery[], timeoutMs: number): Promise<{ stored: number; unique: number }> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const c = await rawRowCounts(f, deliveries)
    if (c.stored === c.unique || Date.now() >= deadline) return c
    await new Promise((r) => setTimeout(r, 250))
  }
}
