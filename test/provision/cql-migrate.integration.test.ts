// migrate → write → read against the real Cassandra node, in a keyspace of this run only.
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readdirSync, appendFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import type cassandra from 'cassandra-driver'
import { createCassandraClient, type CassandraConnection } from '../../config/cassandra-connection.ts'
import { migrate, MigrationError } from '../../provision/cql-migrate.ts'
import { cqlDir } from '../../provision/provision.ts'
import { stackEnv, uniqueName } from '../helpers/stack-env.ts'

let conn: CassandraConnection
let admin: cassandra.Client

before(async () => {
  conn = { ...stackEnv().cassandra, keyspace: uniqueName('iot_test').toLowerCase() }
  admin = createCassandraClient(conn, { withoutKeyspace: true })
  await admin.connect()
})

after(async () => {
  await admin.execute(`DROP KEYSPACE IF EXISTS ${conn.keyspace}`).catch(() => {})
  await admin.shutdown()
})

test('migrate creates the keyspace and tables, records the versions, and is idempotent', { timeout: 120_000 }, async () => {
  const first = await migrate(admin, conn, cqlDir)
  const all = readdirSync(cqlDir).filter((f) => f.endsWith('.cql')).length
  assert.equal(first.applied.length, all)
  assert.deepEqual(first.alreadyApplied, [])
  const second = await migrate(admin, conn, cqlDir)
  assert.deepEqual(second.applied, [])
  assert.deepEqual(second.alreadyApplied, first.applied)

  const tables = await admin.execute('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [conn.keyspace])
  const names = tables.rows.map((r) => r.get('table_name') as string)
  for (const t of ['readings_raw', 'window_aggregates', 'anomalies', 'devices', 'schema_migrations']) assert.ok(names.includes(t), t)
  const ks = await admin.execute('SELECT replication FROM system_schema.keyspaces WHERE keyspace_name = ?', [conn.keyspace])
  assert.equal((ks.first()?.get('replication') as Record<string, string>).replication_factor, '1')
})

test('a raw reading written with a prepared idempotent insert reads back from its day bucket', async () => {
  const client = createCassandraClient(conn)
  try {
    const eventTime = new Date('2026-11-22T03:00:00.123Z')
    const params = ['dev-1', '2026-11-22', eventTime, 0, 42, new Date(), 'device', 'bme280', 'native', { temperature: 21.53, humidity: 41.2 }, 3.91, -61]
    const insert =
      'INSERT INTO readings_raw (device_id, day, event_time, boot, seq, received_at, time_source, sensor, dialect, metrics, battery, rssi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)'
    await client.execute(insert, params, { prepare: true, isIdempotent: true })
    await client.execute(insert, params, { prepare: true, isIdempotent: true })
    const rs = await client.execute('SELECT seq, metrics, event_time, TTL(sensor) AS ttl FROM readings_raw WHERE device_id = ? AND day = ?', ['dev-1', '2026-11-22'])
    assert.equal(rs.rowLength, 1, 'the same reading written twice is one row')
    const row = rs.first()
    assert.equal(Number(row.get('seq')), 42)
    assert.deepEqual(row.get('metrics'), { humidity: 41.2, temperature: 21.53 })
    assert.equal((row.get('event_time') as Date).toISOString(), eventTime.toISOString())
    assert.ok((row.get('ttl') as number) > 29 * 86_400, 'the table default TTL applies')
  } finally {
    await client.shutdown()
  }
})

test('a migration edited after it was applied is refused', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'cql-'))
  for (const f of readdirSync(cqlDir)) copyFileSync(join(cqlDir, f), join(dir, f))
  const firstFile = readdirSync(dir).sort()[0] as string
  appendFileSync(join(dir, firstFile), '\n-- edited\n')
  await assert.rejects(migrate(admin, conn, dir), (e: unknown) => e instanceof MigrationError && e.code === 'CQL_ERR_CHECKSUM')
})
