// esp-mqtt's outbox (sensors.md §4.1): QoS 1 publishes made while disconnected are kept and sent
// after reconnect, but the expiry check runs while disconnected too, so anything older than
// OUTBOX_EXPIRED_TIMEOUT_MS (30 000 ms) is gone by then.
import type { PublishRecord } from '../engine/publish-record.ts'

export class EspOutbox {
  private readonly expiryMs: number
  private items: { at: number; record: PublishRecord }[] = []

  constructor(expiryMs: number) {
    this.expiryMs = expiryMs
  }

  get size(): number {
    return this.items.length
  }

  push(at: number, record: PublishRecord): void {
    this.items.push({ at, record })
  }

  /** Everything still young enough at time t, oldest first; `expired` counts the rest. */
  drain(t: number): { kept: PublishRecord[]; expired: number } {
    const kept: PublishRecord[] = []
    let expired = 0
    for (const it of this.items) {
      if (t - it.at > this.expiryMs) expired++
      else kept.push(it.record)
    }
    this.items = []
    return { kept, expired }
  }
}
