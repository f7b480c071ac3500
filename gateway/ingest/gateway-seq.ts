// Sequence numbers for dialects that carry none (Tasmota, ESPHome). `boot` is the gateway's start
// time in seconds, so (deviceId, boot, seq) never repeats across gateway restarts. A device's own
// resend of the same message gets a new seq: such duplicates are not identifiable (documented).
export class GatewaySeq {
  readonly boot: number
  readonly #next = new Map<string, number>()

  constructor(startedAtMs: number) {
    this.boot = Math.floor(startedAtMs / 1000)
  }

  take(deviceId: string): number {
    const n = this.#next.get(deviceId) ?? 0
    this.#next.set(deviceId, n + 1)
    return n
  }
}
