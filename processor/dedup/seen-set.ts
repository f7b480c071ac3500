// Which (boot, seq) of each device were already counted: dedup identity is readingKey
// (deviceId/boot/seq, contracts/reading.ts). seq grows by one per reading, so a sorted list of
// closed ranges per boot stays a handful of numbers however long the device runs. Bounds: the last
// `maxBoots` boots per device; at most `maxRanges` ranges per boot — beyond that the two oldest
// ranges are merged (the gap between them is then treated as seen: a reading that old and that
// much out of order is dropped as a duplicate, counted, rather than memory growing without end).
export type Ranges = Array<[number, number]>

export interface SeenSetOptions {
  maxBoots?: number
  maxRanges?: number
}

export class SeenSet {
  readonly devices = new Map<string, Map<number, Ranges>>()
  readonly #maxBoots: number
  readonly #maxRanges: number

  constructor(opts: SeenSetOptions = {}) {
    this.#maxBoots = opts.maxBoots ?? 4
    this.#maxRanges = opts.maxRanges ?? 256
  }

  /** Marks (deviceId, boot, seq) as seen; returns false when it already was (a duplicate). */
  add(deviceId: string, boot: number, seq: number): boolean {
    let boots = this.devices.get(deviceId)
    if (!boots) this.devices.set(deviceId, (boots = new Map()))
    let ranges = boots.get(boot)
    if (!ranges) {
      const oldest = Math.min(...boots.keys())
      if (boots.size >= this.#maxBoots && boot < oldest) return false
      boots.set(boot, (ranges = []))
      if (boots.size > this.#maxBoots) boots.delete(Math.min(...boots.keys()))
    }
    // binary search: first range whose end >= seq - 1
    let lo = 0
    let hi = ranges.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if ((ranges[mid] as [number, number])[1] < seq - 1) lo = mid + 1
      else hi = mid
    }
    const r = ranges[lo]
    if (r && r[0] <= seq && seq <= r[1]) return false
    if (r && r[1] === seq - 1) {
      r[1] = seq
      const next = ranges[lo + 1]
      if (next && next[0] === seq + 1) {
        r[1] = next[1]
        ranges.splice(lo + 1, 1)
      }
    } else if (r && r[0] === seq + 1) r[0] = seq
    else ranges.splice(lo, 0, [seq, seq])
    if (ranges.length > this.#maxRanges) {
      const [a, b] = ranges as [[number, number], [number, number]]
      ranges.splice(0, 2, [a[0], b[1]])
    }
    return true
  }

  toJSON(): Record<string, Record<string, Ranges>> {
    const out: Record<string, Record<string, Ranges>> = {}
    for (const [d, boots] of this.devices) out[d] = Object.fromEntries(boots)
    return out
  }

  static fromJSON(json: Record<string, Record<string, Ranges>>, opts: SeenSetOptions = {}): SeenSet {
    const s = new SeenSet(opts)
    for (const [d, boots] of Object.entries(json)) s.devices.set(d, new Map(Object.entries(boots).map(([b, r]) => [Number(b), r.map(([x, y]) => [x, y] as [number, number])])))
    return s
  }
}
