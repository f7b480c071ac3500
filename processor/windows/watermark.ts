// Per-partition event-time watermark. watermark = (max event time seen) − allowed lateness, so a
// window [s, e) closes once a reading at e + lateness or later has been seen on its partition.
//
// Idle partitions. A partition whose devices all stop would hold its last windows open forever.
// Flink's WatermarkStrategy.withIdleness only marks such a split idle so it is left out of the
// minimum over inputs; it never advances the split's own watermark, and with every input idle
// nothing closes (Flink leaves that to processing-time timers). Our watermarks are per partition
// (no minimum to leave a partition out of), so we do advance — but in event time: once the
// partition has had no record for idleTimeoutMs, its event time is assumed to move on at the rate
// of the wall clock since its last record:
//   floor = maxEventTime + (now − lastRecordAt − idleTimeoutMs) − lateness
// Live (event time ≈ wall clock) this is the old `now − idleTimeout − lateness`; a replay of
// historic data (event times months back) is no longer pushed to the wall clock, so a pause in it
// makes nothing late that would not be late at 1× speed. The advance is continuous (zero at the
// moment the partition turns idle). It still depends on the wall clock, so the caller checkpoints
// right after it (see consume/partition-processor.ts) to keep replay exact.
export interface WatermarkState {
  maxEventTime: number
  /** floor set by idle advances; never moves back */
  floor: number
}

export class Watermark {
  state: WatermarkState
  readonly #latenessMs: number

  constructor(latenessMs: number, state?: WatermarkState) {
    this.#latenessMs = latenessMs
    this.state = state ? { ...state } : { maxEventTime: -Infinity, floor: -Infinity }
  }

  observe(eventTime: number): void {
    if (eventTime > this.state.maxEventTime) this.state.maxEventTime = eventTime
  }

  get value(): number {
    return Math.max(this.state.maxEventTime - this.#latenessMs, this.state.floor)
  }

  /**
   * Idle advance: `now` is wall-clock ms, `lastRecordAt` the wall-clock arrival of the partition's
   * last record. Returns true when the watermark moved. A partition that never saw an event time
   * has nothing to extrapolate from and does not move.
   */
  idleAdvance(now: number, lastRecordAt: number, idleTimeoutMs: number): boolean {
    const idleFor = now - lastRecordAt
    if (idleFor < idleTimeoutMs || this.state.maxEventTime === -Infinity) return false
    const target = this.state.maxEventTime + (idleFor - idleTimeoutMs) - this.#latenessMs
    if (target <= this.value) return false
    this.state.floor = target
    return true
  }
}
