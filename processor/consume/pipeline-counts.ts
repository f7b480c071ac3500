// The processor's side of GET /api/pipeline, per device, for one partition. These counts live in
// the partition's checkpointed state (PartitionSnapshot.pipeline), not in a per-process tally:
// after a crash or rebalance the new owner loads them with the checkpoint and re-derives the
// records after it, so a replayed record is counted exactly once — never twice (the old process
// may have flushed counts for records it never checkpointed) and never lost (a SIGKILL between a
// checkpoint and a flush: the checkpoint has them). Only checkpointed values are published
// (readings-consumer.ts), and a checkpoint follows the durability of everything before it, so
// `stored_raw` and `windowed` count rows that are in Cassandra.
//
// Units are readings. `windowed`: the reading's window of the smallest configured size (all its
// metrics share it) was closed by the watermark, or it arrived late and corrected the stored
// window (then also `late`). `invalid`: every metric of the reading was impossible for its sensor,
// so no window counts it. Hence stored_raw = windowed + invalid + (readings in open windows).
export interface PipelineCountsSnapshot {
  counts: Array<[string, Record<string, number>]>
  /** window end (ms) → device → readings waiting for that window to close */
  pending: Array<[number, Array<[string, number]>]>
}

export class PartitionPipelineCounts {
  readonly #counts = new Map<string, Map<string, number>>()
  readonly #pending = new Map<number, Map<string, number>>()

  constructor(snapshot?: PipelineCountsSnapshot) {
    for (const [d, m] of snapshot?.counts ?? []) this.#counts.set(d, new Map(Object.entries(m)))
    for (const [end, devs] of snapshot?.pending ?? []) this.#pending.set(end, new Map(devs))
  }

  inc(deviceId: string, counter: string, n = 1): void {
    let m = this.#counts.get(deviceId)
    if (!m) this.#counts.set(deviceId, (m = new Map()))
    m.set(counter, (m.get(counter) ?? 0) + n)
  }

  get(deviceId: string, counter: string): number {
    return this.#counts.get(deviceId)?.get(counter) ?? 0
  }

  /** A reading counted in a window ending at `end`: `windowed` once the watermark passes it. */
  awaitWindow(end: number, deviceId: string): void {
    let m = this.#pending.get(end)
    if (!m) this.#pending.set(end, (m = new Map()))
    m.set(deviceId, (m.get(deviceId) ?? 0) + 1)
  }

  /** Windows ending at or before the watermark closed (same rule as the processor's windows). */
  closeUpTo(watermark: number): void {
    for (const [end, devs] of this.#pending) {
      if (end > watermark) continue
      for (const [d, n] of devs) this.inc(d, 'windowed', n)
      this.#pending.delete(end)
    }
  }

  /** [deviceId, counter, value] of every count. */
  *entries(): Generator<[string, string, number]> {
    for (const [d, m] of this.#counts) for (const [c, v] of m) yield [d, c, v]
  }

  toJSON(): PipelineCountsSnapshot {
    return {
      counts: [...this.#counts].map(([d, m]) => [d, Object.fromEntries(m)]),
      pending: [...this.#pending].map(([end, devs]) => [end, [...devs]]),
    }
  }
}
