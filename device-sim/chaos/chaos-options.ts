// Chaos options (issue 3 §5). Every draw comes from the device's own `chaos` PRNG stream, so the
// readings themselves do not change when chaos is switched on.
export interface ChaosOptions {
  /** P(a telemetry publish is sent twice) */
  duplicate: number
  /** P(a telemetry publish is held back and sent after the next one) */
  reorder: number
  /** P(a telemetry payload is replaced by a malformed one) */
  malformed: number
  /** each device's clock is off by U(−max, +max) after every NTP sync, ms */
  clockSkewMs: number
  /** extra Wi-Fi drops per device-hour */
  disconnectsPerHour: number
  /** fleet-wide outages (all links down), relative ms from the start */
  outages: readonly { start: number; end: number }[]
}

export const noChaos: ChaosOptions = { duplicate: 0, reorder: 0, malformed: 0, clockSkewMs: 0, disconnectsPerHour: 0, outages: [] }
