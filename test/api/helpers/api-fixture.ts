// An API over a fresh keyspace of the real Cassandra: provisioned with every cql/ migration,
// written to with plain prepared inserts matching the schema (until the processor's store code
// lands, these stand in for its writer), dropped afterwards.
import { storedWindowSize } from '../../../api/store/windows-store.ts'
import cassandra from 'cassandra-driver'
import type { FastifyInstance } from 'fastify'
import { createCassandraClient } from '../../../config/cassandra-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { provisionSchema } from '../../../provision/provision.ts'
import { build, type BuildOptions } from '../../../api/app.ts'
import { ApiConfig } from '../../../api/config.ts'
import { stackEnv, uniqueName } from '../../helpers/stack-env.ts'

export interface ApiFixture {
  app: FastifyInstance
  client: cassandra.Client
  config: ApiConfig
  keyspace: string
  close(): Promise<void>
}

export async function apiFixture(argv: string[] = [], extra: Omit<BuildOptions, 'config'> = {}): Promise<ApiFixture> {
  const env = stackEnv()
  const keyspace = uniqueName('api')
  const cassandraConn = { ...env.cassandra, keyspace }
  await provisionSchema({ cassandra: cassandraConn })
  const config = loadConfig(ApiConfig, {
    argv: [`--cassandra-keyspace=${keyspace}`, ...argv],
    env: { IOT_KAFKA_BROKERS: env.kafka.brokers.join(','), IOT_CASSANDRA_CONTACT_POINTS: env.cassandra.contactPoints.join(',') },
  })
  const client = createCassandraClient(cassandraConn)
  await client.connect()
  const app = await build({ config, logger: false, ...extra })
  return {
    app,
    client,
    config,
    keyspace,
    close: async () => {
      await app.close()
      await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)
      await client.shutdown()
    },
  }
}

const day = (ms: number): cassandra.types.LocalDate => cassandra.types.LocalDate.fromString(new Date(ms).toISOString().slice(0, 10))

export async function insertDevice(c: cassandra.Client, id: string, lastSeen: number, extra: { status?: string; sensor?: string } = {}): Promise<void> {
  await c.execute(
    'INSERT INTO devices (device_id, sensor, dialect, site, status, first_seen, last_seen, reporting_interval_ms, boot, last_seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [id, extra.sensor ?? 'bme280', 'native', 'lab', extra.status ?? 'online', new Date(lastSeen - 3_600_000), new Date(lastSeen), 10_000, 1, cassandra.types.Long.fromNumber(42)],
    { prepare: true },
  )
}

export async function insertReading(c: cassandra.Client, id: string, t: number, seq: number, metrics: Record<string, number>): Promise<void> {
  await c.execute(
    'INSERT INTO readings_raw (device_id, day, event_time, boot, seq, received_at, time_source, sensor, dialect, metrics, battery, rssi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [id, day(t), new Date(t), 1, cassandra.types.Long.fromNumber(seq), new Date(t + 50), 'device', 'bme280', 'native', metrics, 3.9, -60],
    { prepare: true },
  )
}

export async function insertWindow(c: cassandra.Client, id: string, sizeS: number, start: number, metric: string, mean: number, spread = 1): Promise<void> {
  await c.execute(
    'INSERT INTO window_aggregates (device_id, window_size, day, window_start, metric, count, min, max, mean, stddev, first_event, last_event, expected_count, completeness, late_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [id, storedWindowSize(sizeS), day(start), new Date(start), metric, 6, mean - spread, mean + spread, mean, spread / 2, new Date(start), new Date(start + sizeS * 1000 - 1), 6, 1, 0],
    { prepare: true },
  )
}

export async function insertAnomaly(c: cassandra.Client, id: string, openedAt: number, anomalyId: string, closedAt: number | null = null): Promise<void> {
  await c.execute(
    'INSERT INTO anomalies (device_id, day, opened_at, anomaly_id, kind, metric, severity, value, threshold, closed_at, detail) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
    [id, day(openedAt), new Date(openedAt), anomalyId, 'threshold', 'temperature', 'warning', 31.5, 30, closedAt === null ? null : new Date(closedAt), 'above 30'],
    { prepare: true },
  )
}
