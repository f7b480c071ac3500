// An oracle for the end-to-end golden test, computed from the simulator's NDJSON (device-sim
// README, "--out NDJSON format") with its own decoding of the three dialects — no gateway or
// processor code. What it cannot know exactly it says so: the event time of a reading whose
// dialect carries no usable time (ESPHome always; native and Tasmota before the device's first NTP
// sync) is the gateway's receive time, which the test reads back from readings_raw (`gatewayTime`).

export interface NdjsonLine {
  publishedAt: number
  deviceId: string
  kind: 'telemetry' | 'status'
  topic: string
  qos: 0 | 1
  payload: string
  reading: { seq: number; boot: number; eventTime: number; sensor: string; dialect: string; metrics: Record<string, number | null> } | null
  chaos: null | 'duplicate' | 'reordered' | 'malformed'
}

export interface OracleReading {
  deviceId: string
  dialect: 'native' | 'tasmota' | 'esphome'
  /** the device's own (boot, seq) for native; undefined where the gateway numbers readings */
  seq?: number
  boot?: number
  /** event time from the payload, or undefined when the gateway stamps its own time */
  deviceTime?: number
  metrics: Record<string, number>
}

export interface OracleOutcome {
  readings: OracleReading[]
  /** per device: telemetry publishes that became readings or dead letters */
  received: Map<string, number>
  rejected: Map<string, number>
  /** telemetry publishes that carried only failed reads (nothing stored, nothing dead-lettered) */
  readFailures: number
}

/** Operating ranges per profile (sensors.md; the same datasheet rows the gateway cites). */
const RANGES: Record<string, Record<string, [number, number]>> = {
  dht22: { temperature: [-40, 80], humidity: [0, 100] },
  bme280: { temperature: [-40, 85], humidity: [0, 100], pressure: [300, 1100] },
  sht31: { temperature: [-40, 125], humidity: [0, 100] },
  ds18b20: { temperature: [-55, 125] },
}
const TASMOTA_PROFILE: Record<string, string> = { AM2301: 'dht22', DHT22: 'dht22', BME280: 'bme280', SHT3X: 'sht31', DS18B20: 'ds18b20' }
const MIN_PLAUSIBLE_MS = Date.UTC(2020, 0, 1)
const RESERVED = new Set(['seq', 'boot', 'ts', 'sensor', 'battery', 'rssi'])
const snake = (s: string): string => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase()
const failed = (v: unknown): boolean => v === null || (typeof v === 'string' && /^[+-]?(nan|inf)/i.test(v)) || (typeof v === 'number' && !Number.isFinite(v))

export function parseNdjson(text: string): NdjsonLine[] {
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as NdjsonLine)
}

/** Decodes every telemetry line as a receiver must; `tasmotaUtcOffsetMin` is the site's offset. */
export function oracleReadings(lines: readonly NdjsonLine[], tasmotaUtcOffsetMin: number, receivedAtMax: number): OracleOutcome {
  const out: OracleOutcome = { readings: [], received: new Map(), rejected: new Map(), readFailures: 0 }
  const bump = (m: Map<string, number>, k: string): void => void m.set(k, (m.get(k) ?? 0) + 1)
  for (const l of lines) {
    if (l.kind !== 'telemetry') continue
    if (l.chaos === 'malformed') {
      bump(out.received, l.deviceId)
      bump(out.rejected, l.deviceId)
      continue
    }
    const r = decode(l, tasmotaUtcOffsetMin)
    if (r === 'read-failure') {
      out.readFailures++
      continue
    }
    bump(out.received, l.deviceId)
    const sensor = l.reading?.sensor ?? ''
    const range = RANGES[sensor] ?? {}
    if (Object.entries(r.metrics).some(([m, v]) => range[m] !== undefined && (v < range[m]![0] || v > range[m]![1]))) {
      bump(out.rejected, l.deviceId)
      continue
    }
    // An unsynced clock (near 1970) or one far in the future: the gateway uses its own time.
    if (r.deviceTime !== undefined && (r.deviceTime < MIN_PLAUSIBLE_MS || r.deviceTime > receivedAtMax)) delete r.deviceTime
    out.readings.push(r)
  }
  return out
}

function decode(l: NdjsonLine, offsetMin: number): OracleReading | 'read-failure' {
  const metrics: Record<string, number> = {}
  let failures = 0
  const put = (name: string, v: unknown): void => {
    if (failed(v)) failures++
    else if (typeof v === 'number') metrics[name] = v
  }
  const base = { deviceId: l.deviceId }
  let r: OracleReading
  if (l.topic.startsWith('devices/')) {
    const o = JSON.parse(l.payload) as Record<string, unknown>
    for (const [k, v] of Object.entries(o)) if (!RESERVED.has(k)) put(k, v)
    r = { ...base, dialect: 'native', seq: o.seq as number, boot: (o.boot as number | undefined) ?? 0, metrics }
    if (typeof o.ts === 'number') r.deviceTime = Math.trunc(o.ts)
  } else if (l.topic.startsWith('tele/')) {
    const o = JSON.parse(l.payload) as Record<string, unknown>
    const keys = Object.keys(o).filter((k) => TASMOTA_PROFILE[k.split('-')[0] as string])
    if (keys.length !== 1) throw new Error(`oracle handles one sensor object per Tasmota message: ${l.payload}`)
    if (o.TempUnit !== 'C') throw new Error(`oracle expects °C: ${l.payload}`)
    for (const [k, v] of Object.entries(o[keys[0] as string] as Record<string, unknown>)) put(snake(k), v)
    r = { ...base, dialect: 'tasmota', metrics }
    if (typeof o.Time === 'string') r.deviceTime = Date.parse(`${o.Time}Z`) - offsetMin * 60_000
  } else {
    const sensorName = l.topic.split('/')[2] as string
    put(sensorName.toLowerCase().replace(/[^a-z0-9]/g, '_'), /^[+-]?(nan|inf)/i.test(l.payload.trim()) ? l.payload : Number(l.payload))
    r = { ...base, dialect: 'esphome', metrics }
  }
  if (Object.keys(metrics).length === 0 && failures > 0) return 'read-failure'
  return r
}

export interface WindowStats {
  count: number
  min: number
  max: number
  mean: number
  stddev: number
}

/** Tumbling windows per device/metric/start from (eventTime, metrics); population stddev. */
export function oracleWindows(rs: ReadonlyArray<{ deviceId: string; eventTime: number; metrics: Record<string, number> }>, sizeMs: number): Map<string, WindowStats> {
  const values = new Map<string, number[]>()
  for (const r of rs) {
    const start = Math.floor(r.eventTime / sizeMs) * sizeMs
    for (const [m, v] of Object.entries(r.metrics)) {
      const k = windowKey(r.deviceId, m, start)
      const arr = values.get(k)
      if (arr) arr.push(v)
      else values.set(k, [v])
    }
  }
  const out = new Map<string, WindowStats>()
  for (const [k, vs] of values) {
    const mean = vs.reduce((s, v) => s + v, 0) / vs.length
    const variance = vs.reduce((s, v) => s + (v - mean) ** 2, 0) / vs.length
    out.set(k, { count: vs.length, min: Math.min(...vs), max: Math.max(...vs), mean, stddev: Math.sqrt(variance) })
  }
  return out
}

export const windowKey = (deviceId: string, metric: string, start: number): string => `${deviceId}|${metric}|${start}`
