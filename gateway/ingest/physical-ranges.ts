// Values no working sensor can report: routed to the DLQ as GW_REJECT_IMPOSSIBLE_VALUE, never
// stored as data. Ranges are the parts' operating ranges (sensors.md: DHT22 −40…80 °C, BME280
// −40…85 °C and 300…1100 hPa); the generic row is the widest of our profiles. A DS18B20 that lost
// its wire reads −127 °C and lands here; its 85.0 °C power-on value is in range and is the
// processor's to flag.
type Range = readonly [min: number, max: number]

const generic: Readonly<Record<string, Range>> = {
  temperature: [-55, 125],
  humidity: [0, 100],
  pressure: [300, 1100],
  dew_point: [-80, 80],
}

const byProfile: Readonly<Record<string, Readonly<Record<string, Range>>>> = {
  dht22: { temperature: [-40, 80], humidity: [0, 100] },
  bme280: { temperature: [-40, 85], humidity: [0, 100], pressure: [300, 1100] },
  sht31: { temperature: [-40, 125], humidity: [0, 100] },
  ds18b20: { temperature: [-55, 125] },
}

/** The first metric outside its physical range, or null. */
export function impossibleMetric(sensor: string, metrics: Readonly<Record<string, number>>): string | null {
  const profile = byProfile[sensor]
  // for…in, not Object.entries: runs once per reading, and the array of pairs was a measurable
  // share of the gateway's allocations. `metrics` is built by normalize (own properties only).
  for (const name in metrics) {
    const value = metrics[name] as number
    const range = profile?.[name] ?? generic[name]
    if (range && (value < range[0] || value > range[1])) return `${name}=${value} outside [${range[0]}, ${range[1]}] for ${sensor}`
  }
  return null
}
