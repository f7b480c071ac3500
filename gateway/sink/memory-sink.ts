// An in-memory sink for unit tests: records become "durable" when `write` resolves; a test can
// hold writes (gate) or fail them to observe what the broker does before durability.
import { AppError } from '../errors.ts'
import type { SinkRecord, SinkStatus, TelemetrySink } from './telemetry-sink.ts'

export class MemorySink implements TelemetrySink {
  readonly records: SinkRecord[] = []
  failWith: Error | null = null
  accepting = true
  #gate: Promise<void> | null = null
  #open: (() => void) | null = null
  #closed = false

  /** Hold every write until `release()`. */
  hold(): void {
    this.#gate = new Promise((resolve) => (this.#open = resolve))
  }
  release(): void {
    this.#open?.()
    this.#gate = null
  }

  async write(records: readonly SinkRecord[]): Promise<void> {
    if (this.#closed) throw new AppError('GW_ERR_SINK_CLOSED', 'sink closed')
    if (this.#gate) await this.#gate
    if (this.failWith) throw this.failWith
    this.records.push(...records)
  }

  of(stream: SinkRecord['stream']): unknown[] {
    return this.records.filter((r) => r.stream === stream).map((r) => JSON.parse(r.value) as unknown)
  }

  status(): SinkStatus {
    return { accepting: this.accepting, kafkaReachable: true, spoolBytes: 0, spoolLimitBytes: 0 }
  }

  async close(): Promise<void> {
    this.#closed = true
  }
}
