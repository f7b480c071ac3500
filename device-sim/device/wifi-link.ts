// Wi-Fi as the firmware sees it (sensors.md §4.2, §4.4): a per-node mean RSSI from placement,
// per-sample scatter, drops whose rate rises as the signal weakens, and reconnect delays.
import type { Rng } from '../random/prng.ts'

export class WifiLink {
  readonly meanRssi: number
  private readonly rng: Rng
  /** extra drops per hour from the chaos options */
  private readonly extraDropsPerHour: number

  constructor(rng: Rng, extraDropsPerHour: number) {
    this.rng = rng
    this.meanRssi = rng.uniform(-80, -45) // §4.4 Modelling: per-node mean U(−80, −45) dBm [UNVERIFIED]
    this.extraDropsPerHour = extraDropsPerHour
  }

  /** §4.4 Modelling: mean + N(0, 3–5 dB) per sample; RSSI is an integer in dBm. */
  sampleRssi(): number {
    return Math.max(-127, Math.min(0, Math.round(this.meanRssi + 4 * this.rng.normal())))
  }

  /**
   * Link drops per hour. §4.2 gives one field case (−65…−70 dBm dropping every 20–30 min) and
   * §4.4 says disconnects become frequent below −85 dBm; the steps between are estimates.
   */
  dropsPerHour(): number {
    const r = this.meanRssi
    const base = r >= -67 ? 0.02 : r >= -75 ? 0.2 : r >= -85 ? 1 : 4
    return base + this.extraDropsPerHour
  }

  nextDropIn(): number {
    return Math.round(this.rng.exponential(3_600_000 / this.dropsPerHour()))
  }

  /** §4.2: reconnect takes 4–20 s depending on the router (E5). */
  reconnectDelay(): number {
    return Math.round(this.rng.uniform(4000, 20_000))
  }

  /** §4.3: Wi-Fi connect 0.3–3 s at boot, then MQTT connect 0.1–0.5 s. */
  bootConnectDelay(): number {
    return Math.round(this.rng.uniform(300, 3000) + this.rng.uniform(100, 500))
  }
}
