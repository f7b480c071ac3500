// Finds new or changed windows and anomalies by polling Cassandra (the only place windows exist;
// no topic carries them). Each tick reads the registry, then, for devices seen recently, the
// recent part of today's window and anomaly partitions. The first tick only learns what exists,
// so a client sees changes after it connected (it loads history through the REST routes).
import type { Anomaly } from '../schemas/anomaly.ts'
import type { WindowRow } from '../schemas/window.ts'
import { toAnomaly } from '../store/anomalies-store.ts'
import { localDate, utcDays } from '../store/day-pager.ts'
import type { Db } from '../store/db.ts'
import { deviceActivity } from '../store/devices-store.ts'
import { mapLimit } from '../store/map-limit.ts'
import { storedWindowSize, toWindow, WINDOW_COLUMNS } from '../store/windows-store.ts'

export type StreamEvent =
  | { kind: 'window'; data: WindowRow & { deviceId: string; sizeSeconds: number } }
  | { kind: 'anomaly'; data: Anomaly }

const WQ = `SELECT ${WINDOW_COLUMNS} FROM window_aggregates WHERE device_id = ? AND window_size = ? AND day IN ? AND window_start >= ?`
const AQ =
  'SELECT device_id, anomaly_id, opened_at, closed_at, kind, metric, severity, value, threshold, detail FROM anomalies ' +
  'WHERE device_id = ? AND day IN ? AND opened_at >= ?'
const ANOMALY_LOOKBACK_MS = 86_400_000 // open anomalies of the last day are watched for closing
const SLACK_MS = 5 * 60_000 // allowed lateness the processor may use before it closes a window

export interface PollerOptions {
  db: Db
  windowSizes: readonly number[]
  maxDevices: number
  now: () => number
}

export class StreamPoller {
  readonly #o: PollerOptions
  readonly #windows = new Map<string, string>() // key → fingerprint of the row
  readonly #anomalies = new Map<string, string>()
  #primed = false

  constructor(o: PollerOptions) {
    this.#o = o
  }

  /** One poll; returns the changes since the previous one (none on the first). */
  async tick(): Promise<StreamEvent[]> {
    const { db, now } = this.#o
    const t = now()
    const devices = (await deviceActivity(db, this.#o.maxDevices)).filter((d) => d.lastSeen >= t - ANOMALY_LOOKBACK_MS)
    const events: StreamEvent[] = []
    const seenW = new Set<string>()
    const seenA = new Set<string>()
    await mapLimit(devices, 8, async ({ deviceId, lastSeen }) => {
      const top = Math.max(t, lastSeen) + 1
      for (const size of this.#o.windowSizes) {
        const since = Math.min(t, lastSeen) - 2 * size * 1000 - SLACK_MS
        const page = await db.run(WQ, [deviceId, storedWindowSize(size), utcDays(since, top).map(localDate), new Date(since)])
        for (const r of page.rows) {
          const w = toWindow(r)
          const key = `${deviceId}/${size}/${w.windowStart}/${w.metric}`
          seenW.add(key)
          const fp = `${w.count}/${w.mean}/${w.min}/${w.max}`
          if (this.#windows.get(key) !== fp) {
            this.#windows.set(key, fp)
            if (this.#primed) events.push({ kind: 'window', data: { deviceId, sizeSeconds: size, ...w } })
          }
        }
      }
      const since = t - ANOMALY_LOOKBACK_MS
      const page = await db.run(AQ, [deviceId, utcDays(since, top).map(localDate), new Date(since)])
      for (const r of page.rows) {
        const a = toAnomaly(r)
        const key = `${deviceId}/${a.anomalyId}`
        seenA.add(key)
        const fp = `${a.closedAt}/${a.severity}/${a.value}`
        if (this.#anomalies.get(key) !== fp) {
          this.#anomalies.set(key, fp)
          if (this.#primed) events.push({ kind: 'anomaly', data: a })
        }
      }
    })
    // Forget rows that left the lookback so the maps stay bounded.
    for (const k of this.#windows.keys()) if (!seenW.has(k)) this.#windows.delete(k)
    for (const k of this.#anomalies.keys()) if (!seenA.has(k)) this.#anomalies.delete(k)
    this.#primed = true
    events.sort((a, b) => (a.kind === b.kind ? 0 : a.kind === 'window' ? -1 : 1))
    return events
  }
}
