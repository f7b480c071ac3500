// Magnus formula with the WMO coefficients (sensors.md §5 Humidity vs temperature):
// e_s(T) = 6.112·exp(17.62·T/(243.12+T)) hPa, RH = 100·e/e_s(T).
const A = 17.62
const B = 243.12

export const saturationVapourPressure = (tC: number): number => 6.112 * Math.exp((A * tC) / (B + tC))

/** Relative humidity (%) of air at tC whose dew point is dewC, capped at 100 (condensation). */
export function relativeHumidity(tC: number, dewC: number): number {
  const rh = (100 * saturationVapourPressure(dewC)) / saturationVapourPressure(tC)
  return rh > 100 ? 100 : rh
}

/** Dew point (°C) from temperature and relative humidity, the inverse of the above. */
export function dewPoint(tC: number, rh: number): number {
  const g = Math.log(Math.max(rh, 1e-6) / 100) + (A * tC) / (B + tC)
  return (B * g) / (A - g)
}
