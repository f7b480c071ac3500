// Raw readings of one partition held back for a short while before they are written, so that one
// device's readings reach Cassandra as one mutation of many rows instead of one mutation each.
// Why it is safe: a raw row only has to be durable before the checkpoint that moves past its
// offset (the Kafka record stays the source until then, and the row's key is the reading's own, so
// a replay after a crash writes the very same cells). The runner therefore flushes this buffer
// before every checkpoint, and drops it with the rest of the partition's state when it pauses.
// Why it pays: in the pipeline benchmark each fetched batch held about one reading per device, and
// Cassandra's CPU per reading falls with rows per mutation (`npm run bench -- cassandra-batching`:
// 47 µs at 1 row, 25 at 4, 21 at 16).
import type { RawRow } from './effects.ts'

export interface RawWriteBehindOptions {
  /** longest a reading waits before its flush is due, ms; 0 = due at once (no holding back) */
  delayMs: number
  /** readings held at most; a flush is due at this many whatever their age (bounds memory) */
  maxRows: number
}

export class RawWriteBehind {
  readonly #o: RawWriteBehindOptions
  #rows: RawRow[] = []
  #since = 0

  constructor(o: RawWriteBehindOptions) {
    this.#o = o
  }

  get size(): number {
    return this.#rows.length
  }

  add(readings: readonly RawRow[], now: number): void {
    if (readings.length === 0) return
    if (this.#rows.length === 0) this.#since = now
    for (const r of readings) this.#rows.push(r)
  }

  /** True when the held readings must be written now: old enough, or too many. */
  due(now: number): boolean {
    const n = this.#rows.length
    return n > 0 && (n >= this.#o.maxRows || now - this.#since >= this.#o.delayMs)
  }

  /** Hands the held readings over (the caller writes them) and starts empty. */
  take(): RawRow[] {
    const rows = this.#rows
    this.#rows = []
    return rows
  }
}
