// An API over a fresh keyspace of the real Cassandra: provisioned with every cql/ migration,
// written to through the processor's own store (processor/store/cassandra-store.ts) — the rows the
// API reads in these tests are exactly the rows the processor writes, so a change on either side
// of that table contract breaks a test — and dropped afterwards.
import cassandra from 'cassandra-driver'
import type { FastifyInstance } from 'fastify'
import type { Reading } from '../../../contracts/reading.ts'
import { createCassandraClient } from '../../../config/cassandra-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { anomalyId, type Anomaly } from '../../../processor/anomalies/types.ts'
import { Effects, rawRowOf, type DeviceRow } from '../../../processor/consume/effects.ts'
import { CassandraStore } from '../../../processor/store/cassandra-store.ts'
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

// The processor's writer on the fixture's client. No retries: a failed write is a failed test.
const stores = new WeakMap<cassandra.Client, CassandraStore>()
const storeOf = (c: cassandra.Client): CassandraStore => {
  let s = stores.get(c)
  if (!s) stores.set(c, (s = new CassandraStore(c, { rawTtlS: 0, concurrency: 32, retry: { retries: 0, baseMs: 1, maxMs: 1 } })))
  return s
}

/** Writes what one processor batch would: the rows of `fill`'s effects, through CassandraStore.apply. */
export async function writeEffects(c: cassandra.Client, fill: (fx: Effects) => void): Promise<void> {
  const fx = new Effects()
  fill(fx)
  await storeOf(c).apply(fx)
}

export const deviceRow = (id: string, lastSeen: number, extra: { status?: DeviceRow['status']; sensor?: string } = {}): DeviceRow => ({
  deviceId: id,
  sensor: extra.sensor ?? 'bme280',
  dialect: 'native',
  site: 'lab',
  status: extra.status ?? 'online',
  firstSeen: lastSeen - 3_600_000,
  lastSeen,
  reportingIntervalMs: 10_000,
  boot: 1,
  lastSeq: 42,
})

export async function insertDevice(c: cassandra.Client, id: string, lastSeen: number, extra: { status?: DeviceRow['status']; sensor?: string } = {}): Promise<void> {
  await writeEffects(c, (fx) => fx.devices.set(id, deviceRow(id, lastSeen, extra)))
}

export const reading = (id: string, t: number, seq: number, metrics: Record<string, number>): Reading => ({
  deviceId: id,
  seq,
  seqSource: 'device',
  boot: 1,
  eventTime: t,
  receivedAt: t + 50,
  timeSource: 'device',
  sensor: 'bme280',
  dialect: 'native',
  metrics,
  battery: 3.9,
  rssi: -60,
})

export async function insertReading(c: cassandra.Client, id: string, t: number, seq: number, metrics: Record<string, number>): Promise<void> {
  await writeEffects(c, (fx) => fx.raw.push(rawRowOf(reading(id, t, seq, metrics))))
}

/**
 * A closed window as the processor stores it: 6 on-time readings (of 6 expected) with this mean,
 * min/max at mean ∓ spread and a population standard deviation of spread / 2.
 */
export async function insertWindow(c: cassandra.Client, id: string, sizeS: number, start: number, metric: string, mean: number, spread = 1): Promise<void> {
  const sizeMs = sizeS * 1000
  const key = { deviceId: id, metric, sizeMs, start }
  const stats = { count: 6, mean, m2: 6 * (spread / 2) ** 2, min: mean - spread, max: mean + spread, firstEvent: start, lastEvent: start + sizeMs - 1 }
  await writeEffects(c, (fx) => fx.windows.set(`${id}|${metric}|${sizeMs}|${start}`, { key, stats, invalidCount: 0, expectedCount: 6 }))
}

/**
 * An anomaly as the processor writes it (open, or closed when closedAt is given); returns its id,
 * which the processor derives from kind, metric and openedAt — writing it again with closedAt
 * closes the same row, as the processor does.
 */
export async function insertAnomaly(
  c: cassandra.Client,
  id: string,
  openedAt: number,
  o: { kind?: Anomaly['kind']; metric?: string; closedAt?: number } = {},
): Promise<string> {
  const a: Anomaly = {
    deviceId: id,
    kind: o.kind ?? 'threshold',
    metric: o.metric ?? (o.kind === 'silence' ? '' : 'temperature'),
    severity: 'warning',
    openedAt,
    value: 31.5,
    threshold: 30,
    detail: 'above 30',
  }
  if (o.closedAt !== undefined) a.closedAt = o.closedAt
  await storeOf(c).writeAnomaly(a)
  return anomalyId(a)
}
