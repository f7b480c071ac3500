// Named invariant checkers for fault tests (style.md lesson 10). A key is `deviceId/boot/seq`
// (contracts/reading.ts readingKey), the identity of one reading everywhere in the pipeline.

/**
 * Kafka after a fault: every reading acknowledged to a device is present; duplicates are allowed
 * (a device resends what was not acknowledged, identifiable by seq); nothing appears that no
 * device published.
 */
export function assertEveryAckedInKafka(acked: Iterable<string>, stored: Iterable<string>, published: ReadonlySet<string>): void {
  const have = new Set(stored)
  const lost = [...acked].filter((k) => !have.has(k))
  const phantom = [...have].filter((k) => !published.has(k))
  if (lost.length || phantom.length) {
    throw new Error(
      `acknowledged but missing from Kafka: ${lost.length} (${lost.slice(0, 8).join(', ')}); ` +
        `in Kafka but never published: ${phantom.length} (${phantom.slice(0, 8).join(', ')})`,
    )
  }
}

/**
 * Storage after a fault: every acknowledged reading stored exactly once, nothing else stored.
 * With `published`, a reading published but never acknowledged (its PUBACK lost in the fault) may
 * be stored, once; only readings no device published count as extra.
 */
export function assertEveryAckedStoredOnce(acked: Iterable<string>, stored: readonly string[], published?: ReadonlySet<string>): void {
  const counts = new Map<string, number>()
  for (const k of stored) counts.set(k, (counts.get(k) ?? 0) + 1)
  const ackedSet = new Set(acked)
  const lost = [...ackedSet].filter((k) => !counts.has(k))
  const twice = [...counts].filter(([, n]) => n > 1).map(([k, n]) => `${k} ×${n}`)
  const extra = [...counts.keys()].filter((k) => !ackedSet.has(k) && !published?.has(k))
  if (lost.length || twice.length || extra.length) {
    throw new Error(
      `lost ${lost.length} (${lost.slice(0, 8).join(', ')}); stored twice ${twice.length} (${twice.slice(0, 8).join(', ')}); ` +
        `${published ? 'never published' : 'unacknowledged'} but stored ${extra.length} (${extra.slice(0, 8).join(', ')})`,
    )
  }
}

/** One row of readings_raw as the window checker sees it. */
export interface StoredRaw {
  device: string
  /** `deviceId/boot/seq` */
  key: string
  eventTime: number
  metrics: readonly string[]
}

/** One row of window_aggregates: its identity and count. */
export interface StoredWindowCount {
  device: string
  metric: string
  sizeMs: number
  start: number
  count: number
}

/**
 * Windows after a fault, for every window size in `sizesMs` (epoch-aligned tumbling windows): each
 * stored window (device, metric, size, start) counts exactly the stored raw readings of that
 * device and metric with event time in [start, start + size), and every stored raw reading lies in
 * a stored window. Stored raw rows are the reference, so a reading lost before storage is
 * assertEveryAckedStoredOnce's to report; a reading counted twice or missed shows here.
 */
export function assertEveryStoredCountedInOneWindow(raw: readonly StoredRaw[], windows: readonly StoredWindowCount[], sizesMs: readonly number[]): void {
  const id = (device: string, metric: string, size: number, start: number): string => `${device}|${metric}|${size}|${new Date(start).toISOString()}`
  const fromRaw = new Map<string, string[]>()
  for (const r of raw) {
    for (const metric of r.metrics) {
      for (const size of sizesMs) {
        const k = id(r.device, metric, size, Math.floor(r.eventTime / size) * size)
        const keys = fromRaw.get(k)
        if (keys) keys.push(r.key)
        else fromRaw.set(k, [r.key])
      }
    }
  }
  const miscounted: string[] = []
  const seen = new Set<string>()
  for (const w of windows) {
    if (!sizesMs.includes(w.sizeMs)) continue
    const k = id(w.device, w.metric, w.sizeMs, w.start)
    seen.add(k)
    const n = fromRaw.get(k)?.length ?? 0
    if (w.count !== n) miscounted.push(`${k}: count ${w.count}, raw readings ${n} (${w.count > n ? `${w.count - n} counted twice or never stored` : `${n - w.count} not counted`})`)
  }
  const uncovered = [...fromRaw].filter(([k]) => !seen.has(k))
  if (miscounted.length || uncovered.length) {
    const readings = uncovered.reduce((n, [, keys]) => n + keys.length, 0)
    throw new Error(
      `windows whose count differs from the raw readings in them: ${miscounted.length} (${miscounted.slice(0, 6).join('; ')}); ` +
        `raw readings in no stored window: ${readings} in ${uncovered.length} windows (${uncovered
          .slice(0, 6)
          .map(([k, keys]) => `${k}: ${keys.slice(0, 4).join(', ')}`)
          .join('; ')})`,
    )
  }
}
