// Small statistics helpers for the fidelity report and the statistical tests.
export function mean(xs: ArrayLike<number>): number {
  let s = 0
  for (let i = 0; i < xs.length; i++) s += xs[i] as number
  return s / xs.length
}

/** Mean of x² and its standard error, the basis of the noise-variance bound. */
export function meanSquare(xs: ArrayLike<number>): { value: number; se: number } {
  const n = xs.length
  let s = 0
  let s2 = 0
  for (let i = 0; i < n; i++) {
    const q = (xs[i] as number) ** 2
    s += q
    s2 += q * q
  }
  const m = s / n
  return { value: m, se: Math.sqrt(Math.max(0, s2 / n - m * m) / n) }
}

/** Wilson 95 % interval of a binomial proportion. */
export function wilson(k: number, n: number, z = 1.96): { p: number; lo: number; hi: number } {
  const p = k / n
  const d = 1 + (z * z) / n
  const c = (p + (z * z) / (2 * n)) / d
  const h = (z * Math.sqrt((p * (1 - p)) / n + (z * z) / (4 * n * n))) / d
  return { p, lo: Math.max(0, c - h), hi: Math.min(1, c + h) }
}

/** Least-squares slope of y on x. */
export function slope(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x)
  const my = mean(y)
  let sxy = 0
  let sxx = 0
  for (let i = 0; i < x.length; i++) {
    const dx = (x[i] as number) - mx
    sxy += dx * ((y[i] as number) - my)
    sxx += dx * dx
  }
  return sxy / sxx
}
