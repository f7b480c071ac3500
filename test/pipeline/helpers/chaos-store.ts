// What the pipeline stored, read back from a private Cassandra for the invariant checkers. Whole
// tables are scanned: the keyspace belongs to one test and holds a few thousand rows.
import type cassandra from 'cassandra-driver'
import { RAW_READING_COLUMNS, storedRawReading } from '../../../api/store/raw-reading-row.ts'
import type { StoredRaw, StoredWindowCount } from '../../helpers/invariants.ts'

async function* rows(client: cassandra.Client, q: string): AsyncGenerator<cassandra.types.Row> {
  let pageState: string | undefined
  do {
    const rs = await client.execute(q, [], { prepare: true, fetchSize: 5_000, ...(pageState ? { pageState } : {}) })
    yield* rs.rows
    pageState = rs.pageState
  } while (pageState)
}

export async function readStoredRaw(client: cassandra.Client): Promise<StoredRaw[]> {
  const out: StoredRaw[] = []
  for await (const row of rows(client, `SELECT ${RAW_READING_COLUMNS} FROM readings_raw`)) {
    const r = storedRawReading(row)
    out.push({ device: r.deviceId, key: `${r.deviceId}/${r.boot}/${r.seq}`, eventTime: r.eventTime, metrics: Object.keys(r.metrics) })
  }
  return out
}

export async function readStoredWindows(client: cassandra.Client): Promise<StoredWindowCount[]> {
  const out: StoredWindowCount[] = []
  const q = 'SELECT device_id, metric, window_size, window_start, count FROM window_aggregates'
  for await (const r of rows(client, q)) {
    out.push({
      device: r.get('device_id') as string,
      metric: r.get('metric') as string,
      sizeMs: r.get('window_size') as number,
      start: (r.get('window_start') as Date).getTime(),
      count: r.get('count') as number,
    })
  }
  return out
}
