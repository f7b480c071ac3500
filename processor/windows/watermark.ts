// Per-partition event-time watermark. watermark = (max event time seen) − allowed lateness, so a
// window [s, e) closes once a reading at e + lateness or later has been seen on its partition.
// A partition with no records for idleTimeoutMs would hold its last windows open forever; then the
// watermark follows the wall clock instead (now − idleTimeout − lateness), as Flink's idleness
// does, so quiet devices still get their windows closed. That advance depends on the wall clock,
// so the caller checkpoints right after it (see consume/partition-processor.ts) to keep replay exact.
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
   * last record. Returns true when the watermark moved.
   */
  idleAdvance(now: number, lastRecordAt: number, idleTimeoutMs: number): boolean {
    if (now - lastRecordAt < idleTimeoutMs) return false
    const target = now - idleTimeoutMs - this.#latenessMs
    if (target <= this.value) return false
    this.state.floor = target
    return true
  }
}
