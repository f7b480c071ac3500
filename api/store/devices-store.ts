// The device registry (cql/001 `devices`, written by the processor).
import type cassandra from 'cassandra-driver'
import type { Device } from '../schemas/device.ts'
import type { Db, Page } from './db.ts'
import { isoOrNull, numOrNull, strOrNull } from './row-values.ts'

const COLUMNS = 'device_id, sensor, dialect, site, status, first_seen, last_seen, reporting_interval_ms, boot, last_seq'

export function toDevice(r: cassandra.types.Row): Device {
  return {
    deviceId: r.get('device_id') as string,
    sensor: strOrNull(r.get('sensor')),
    dialect: strOrNull(r.get('dialect')),
    site: strOrNull(r.get('site')),
    status: strOrNull(r.get('status')),
    firstSeen: isoOrNull(r.get('first_seen')),
    lastSeen: isoOrNull(r.get('last_seen')),
    reportingIntervalMs: numOrNull(r.get('reporting_interval_ms')),
    boot: numOrNull(r.get('boot')),
    lastSeq: numOrNull(r.get('last_seq')),
  }
}

/** One page of the registry in token order (Cassandra's natural order of a full scan). */
export async function listDevices(db: Db, limit: number, pageState?: string): Promise<{ items: Device[]; pageState?: string }> {
  const page: Page = await db.run(`SELECT ${COLUMNS} FROM devices`, [], pageState === undefined ? { fetchSize: limit } : { fetchSize: limit, pageState })
  const out: { items: Device[]; pageState?: string } = { items: page.rows.map(toDevice) }
  if (page.pageState) out.pageState = page.pageState
  return out
}

export async function getDevice(db: Db, id: string): Promise<Device | undefined> {
  const page = await db.run(`SELECT ${COLUMNS} FROM devices WHERE device_id = ?`, [id])
  const row = page.rows[0]
  return row ? toDevice(row) : undefined
}

/** Every device id and last-seen time, up to `max` rows (the stream poller's watch list). */
export async function deviceActivity(db: Db, max: number): Promise<Array<{ deviceId: string; lastSeen: number }>> {
  const out: Array<{ deviceId: string; lastSeen: number }> = []
  let pageState: string | undefined
  do {
    const page = await db.run('SELECT device_id, last_seen FROM devices', [], pageState === undefined ? { fetchSize: 500 } : { fetchSize: 500, pageState })
    for (const r of page.rows) {
      const seen = r.get('last_seen') as Date | null
      out.push({ deviceId: r.get('device_id') as string, lastSeen: seen ? seen.getTime() : 0 })
    }
    pageState = page.pageState
  } while (pageState && out.length < max)
  return out.sort((a, b) => b.lastSeen - a.lastSeen).slice(0, max)
}
