// The processor's store against the real Cassandra: rows packed into unlogged batches
// (write-batches.ts) are all there, exactly once, with their values — for batches spanning
// partitions (this single node holds every partition) and for single-partition batches only.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import type cassandra from 'cassandra-driver'
import { createCassandraClient } from '../../../config/cassandra-connection.ts'
import { RAW_READING_COLUMNS, storedRawReading } from '../../../api/store/raw-reading-row.ts'
import type { Reading } from '../../../contracts/reading.ts'
import { Effects, rawRowOf } from '../../../processor/consume/effects.ts'
import { CassandraStore } from '../../../processor/store/cassandra-store.ts'
import { everyNodeHoldsEveryPartition } from '../../../processor/store/replication-scope.ts'
import { emptyStats, addValue } from '../../../processor/windows/aggregate.ts'
import { windowKeyString } from '../../../processor/windows/tumbling-window.ts'
import { provisionSchema } from '../../../provision/provision.ts'
import { stackEnv, uniqueName } from '../../helpers/stack-env.ts'

let client: cassandra.Client
let keyspace: string
const day = 86_400_000
const t0 = Date.UTC(2026, 10, 21, 23, 59, 0) // a minute before midnight: rows fall on two days

before(async () => {
  const env = stackEnv()
  keyspace = uniqueName('store')
  await provisionSchema({ cassandra: { ...env.cassandra, keyspace } })
  client = createCassandraClient({ ...env.cassandra, keyspace })
  await client.connect()
})

after(async () => {
  await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`)
  await client.shutdown()
})

const reading = (device: string, seq: number): Reading => ({
  deviceId: device,
  seq,
  seqSource: 'device',
  boot: 1,
  eventTime: t0 + seq * 7_000,
  receivedAt: t0 + seq * 7_000 + 30,
  timeSource: 'device',
  sensor: 'bme280',
  dialect: 'native',
  metrics: { temperature: 20 + seq / 10, humidity: 40 + seq, pressure: 1000 + seq },
  battery: 3.7,
  rssi: -60,
})

function effects(prefix: string, devices: number, perDevice: number): Effects {
  const fx = new Effects()
  for (let d = 0; d < devices; d++) {
    for (let s = 0; s < perDevice; s++) fx.raw.push(rawRowOf(reading(`${prefix}-${d}`, s)))
    for (const metric of ['temperature', 'humidity', 'pressure']) {
      const key = { deviceId: `${prefix}-${d}`, metric, sizeMs: 60_000, start: t0 }
      const stats = emptyStats()
      addValue(stats, d + 0.5, t0 + 1)
      fx.windows.set(windowKeyString(key), { key, stats, invalidCount: 0, expectedCount: 6 })
    }
  }
  return fx
}

async function rawRows(device: string): Promise<Array<{ seq: number; temperature: number }>> {
  const out: Array<{ seq: number; temperature: number }> = []
  for (const ms of [t0, t0 + day]) {
    const rs = await client.execute(`SELECT ${RAW_READING_COLUMNS} FROM readings_raw WHERE device_id = ? AND day = ?`, [device, new Date(ms).toISOString().slice(0, 10)], { prepare: true })
    for (const r of rs.rows.map(storedRawReading)) out.push({ seq: r.seq, temperature: r.metrics.temperature as number })
  }
  return out.sort((a, b) => a.seq - b.seq)
}

for (const maxPartitions of [10, 1]) {
  test(`every row written once with its values; batches span at most ${maxPartitions} partition(s)`, async () => {
    const store = new CassandraStore(client, { rawTtlS: 0, concurrency: 16, retry: { retries: 0, baseMs: 1, maxMs: 1 }, batch: { maxPartitions, maxBytes: 5_000, maxRows: 100 } })
    const prefix = `dev${maxPartitions}`
    const devices = 40
    const perDevice = 20 // 20 readings 7 s apart from 23:59:00: partitions of both days
    await store.apply(effects(prefix, devices, perDevice))
    const rows = devices * perDevice + devices * 3
    assert.equal(store.writes, rows)
    // one request per partition at most; far fewer when partitions may share a batch
    const partitions = devices * 2 + devices
    if (maxPartitions === 1) assert.equal(store.requests, partitions)
    // ~10 raw rows per partition here fill a 5 kB batch alone; the window rows (3 per partition) share
    else assert.ok(store.requests < partitions && store.requests >= Math.ceil(partitions / maxPartitions), `${store.requests} requests for ${rows} rows in ${partitions} partitions`)
    for (let d = 0; d < devices; d += 13) {
      const got = await rawRows(`${prefix}-${d}`)
      assert.deepEqual(got.map((r) => r.seq), Array.from({ length: perDevice }, (_, s) => s))
      assert.deepEqual(got.map((r) => r.temperature), got.map((r) => 20 + r.seq / 10))
    }
    const w = await client.execute('SELECT metric, min FROM window_aggregates WHERE device_id = ? AND window_size = ? AND day = ?', [`${prefix}-7`, 60_000, new Date(t0).toISOString().slice(0, 10)], { prepare: true })
    assert.deepEqual(w.rows.map((r) => [r.get('metric'), r.get('min')]).sort(), [['humidity', 7.5], ['pressure', 7.5], ['temperature', 7.5]])
  })
}

test('a single local node holds every partition of the keyspace, so partitions may share batches', () => {
  assert.equal(everyNodeHoldsEveryPartition(client, keyspace), true)
  assert.equal(everyNodeHoldsEveryPartition(client, 'no_such_keyspace'), false)
})
