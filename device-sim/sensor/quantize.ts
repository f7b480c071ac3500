// y = round(x/q)·q (sensors.md §6 Quantization), computed as an integer over a power of ten so the
// result prints as the short decimal a firmware would send (21.4, not 21.400000000000002).

export type Quantizer = (x: number) => number

export function decimalsOf(step: number): number {
  const s = String(step)
  const e = /e-(\d+)$/.exec(s)
  if (e) return Number(e[1])
  const dot = s.indexOf('.')
  return dot === -1 ? 0 : s.length - dot - 1
}

/** The constants of the quantizer of `step`: y = round(x/step)·stepUnits/scale. */
export function quantizerParams(step: number): { step: number; stepUnits: number; scale: number } {
  const scale = 10 ** decimalsOf(step)
  return { step, stepUnits: Math.round(step * scale), scale }
}

export function makeQuantizer(step: number): Quantizer {
  const { stepUnits, scale } = quantizerParams(step)
  return (x) => (Math.round(x / step) * stepUnits) / scale
}

/** Rounds to a fixed number of decimals the way firmware printf("%.1f") would, for display. */
export function roundTo(x: number, decimals: number): number {
  const scale = 10 ** decimals
  return Math.round(x * scale) / scale
}
