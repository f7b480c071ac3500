// A 1S Li-ion/LiPo cell (sensors.md §4.5): state of charge → open-circuit voltage by the OCV
// table, minus I·R_int under load, read through the ESP32 ADC with a per-unit gain error.
import type { Rng } from '../random/prng.ts'

// §4.5 OCV vs SoC table (LiPo, 3.7 V nominal) [E15], SoC 0…100 % in 5 % steps
const OCV = [3.27, 3.61, 3.69, 3.71, 3.73, 3.75, 3.77, 3.79, 3.8, 3.82, 3.84, 3.85, 3.87, 3.91, 3.95, 3.98, 4.02, 4.08, 4.11, 4.15, 4.2]
const R_INT_OHM = 0.08 // §4.5 R_int < 80 mΩ for a fresh 18650 [E14]
/** §4.5 brown-out below ≈3.0–3.3 V at the LDO input [UNVERIFIED]; the upper end for a 3.3 V LDO */
export const BROWN_OUT_V = 3.3

export function ocv(soc: number): number {
  const x = Math.max(0, Math.min(1, soc)) * 20
  const i = Math.min(19, Math.floor(x))
  const a = OCV[i] as number
  const b = OCV[i + 1] as number
  return a + (b - a) * (x - i)
}

export class Battery {
  readonly capacityMah: number
  private usedMah = 0
  /** §4.5 ESP32 ADC: reference varies ≈±10 % chip to chip; after calibration we keep σ 2 % [estimate] */
  private readonly adcGain: number
  private readonly rng: Rng

  constructor(capacityMah: number, rng: Rng, initialSoc = 1) {
    this.capacityMah = capacityMah
    this.rng = rng
    this.usedMah = capacityMah * (1 - initialSoc)
    this.adcGain = 1 + 0.02 * Math.max(-2, Math.min(2, rng.normal()))
  }

  get soc(): number {
    return Math.max(0, 1 - this.usedMah / this.capacityMah)
  }

  drain(currentMa: number, ms: number): void {
    this.usedMah += (currentMa * ms) / 3_600_000
  }

  terminalVolts(loadMa: number): number {
    return ocv(this.soc) - (loadMa / 1000) * R_INT_OHM
  }

  /** What the firmware reports: 16 averaged ADC samples (§4.5), to 0.01 V. */
  reportedVolts(loadMa: number): number {
    const v = this.terminalVolts(loadMa) * this.adcGain + 0.005 * this.rng.normal()
    return Math.round(v * 100) / 100
  }
}
