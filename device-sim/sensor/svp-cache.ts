// Magnus e_s of the air and of the self-heated die for the last temperature seen: devices of a site
// reading in the same millisecond share the truth, and two Math.exp per read were a visible cost.
// A pure function of its arguments, so the cached value is the computed one.
import { saturationVapourPressure } from '../environment/magnus.ts'

let svpT = Number.NaN
let svpValue = 0
let heatedT = Number.NaN
let heatedBy = Number.NaN
let heatedValue = 0

export function svpOf(t: number): number {
  if (t !== svpT) {
    svpValue = saturationVapourPressure(t)
    svpT = t
  }
  return svpValue
}

export function svpHeatedOf(t: number, by: number): number {
  if (t !== heatedT || by !== heatedBy) {
    heatedValue = saturationVapourPressure(t + by)
    heatedT = t
    heatedBy = by
  }
  return heatedValue
}
