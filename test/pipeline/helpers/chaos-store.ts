// What the pipeline stored, read back from a private Cassandra for the invariant checkers. Whole
// tables are scanned: the keyspace belongs to one test and holds a few thousand rows.
import type cassandra from 'cassandra-driver'
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
  const q = 'SELECT device_id, boot, seq, event_time, metrics FROM readings_raw'
  for await (const r of rows(client, q)) {
    const device = r.get('device_id') as string
    out.push({
      device,
      key: `${device}/${r.get('boot') as number}/${String(r.get('seq'))}`,
      eventTime: (r.get('event_time') as Date).getTime(),
      metrics: Object.keys((r.get('metrics') as Record<string, number> | null) ?? {}),
    })
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
