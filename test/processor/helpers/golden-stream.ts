// A seeded stream of canonical readings with the faults a real fleet produces — out-of-order
// delivery within the allowed lateness, readings later than it, duplicates, impossible values,
// a device that falls silent, a scripted threshold breach, poison records — and an oracle that
// computes the expected stored windows independently of processor/ (plain two-pass sums).
import type { Reading } from '../../../contracts/reading.ts'

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export interface StreamSpec {
  seed: number
  devices: number
  partitions: number
  readingsPerDevice: number
  intervalMs: number
  /** epoch ms, first event time (aligned to a minute) */
  t0: number
  latenessMs: number
  windowSizesMs: number[]
}

export interface Delivery {
  partition: number
  key: string
  value: string
  /** the reading, unless this is a poison record */
  reading?: Reading
}

export const deviceName = (i: number): string => `dev-${String(i).padStart(2, '0')}`
/** scripted events */
export const SCRIPT = {
  thresholdDevice: 0,
  spikeSeqs: [100, 120] as const, // temperature 35 for seq 100..119
  faultDevice: 1,
  faultSeq: 200, // humidity 150 (impossible for a DHT22)
  silentDevice: 2,
  silentAfterSeq: 300,
}

export function goldenStream(spec: StreamSpec): Delivery[] {
  const rnd = mulberry32(spec.seed)
  const perPartition: Array<Array<{ at: number; d: Delivery }>> = Array.from({ length: spec.partitions }, () => [])
  for (let i = 0; i < spec.devices; i++) {
    const deviceId = deviceName(i)
    const partition = i % spec.partitions
    const orderly = i === SCRIPT.thresholdDevice
    const last = i === SCRIPT.silentDevice ? SCRIPT.silentAfterSeq : spec.readingsPerDevice - 1
    for (let seq = 0; seq <= last; seq++) {
      const eventTime = spec.t0 + seq * spec.intervalMs + Math.floor(rnd() * (spec.intervalMs / 4))
      let temperature = Math.round((21 + 2 * Math.sin(seq / 50 + i) + (rnd() - 0.5) * 0.6) * 100) / 100
      let humidity = Math.round((45 + 5 * Math.cos(seq / 70 + i) + (rnd() - 0.5) * 2) * 10) / 10
      if (i === SCRIPT.thresholdDevice && seq >= SCRIPT.spikeSeqs[0] && seq < SCRIPT.spikeSeqs[1]) temperature = 35
      if (i === SCRIPT.faultDevice && seq === SCRIPT.faultSeq) humidity = 150
      const reading: Reading = {
        deviceId,
        seq,
        seqSource: 'device',
        boot: 1,
        eventTime,
        receivedAt: eventTime + 50,
        timeSource: 'device',
        sensor: 'dht22',
        dialect: 'native',
        metrics: { temperature, humidity },
      }
      const d: Delivery = { partition, key: deviceId, value: JSON.stringify(reading), reading }
      const u = rnd()
      let delay = 0
      if (!orderly && u < 0.1) delay = Math.floor(rnd() * spec.latenessMs * 0.8) // out of order, within lateness
      else if (!orderly && u < 0.13) delay = spec.latenessMs + Math.max(...spec.windowSizesMs) + Math.floor(rnd() * 30_000) // later than the lateness
      perPartition[partition]?.push({ at: eventTime + delay, d })
      if (rnd() < 0.05) perPartition[partition]?.push({ at: eventTime + delay + Math.floor(rnd() * 20_000), d }) // duplicate
    }
  }
  // poison: not JSON, and JSON that is not a canonical reading
  perPartition[0]?.push({ at: spec.t0 + 5_000, d: { partition: 0, key: 'dev-00', value: '{not json' } })
  perPartition[1 % spec.partitions]?.push({ at: spec.t0 + 7_000, d: { partition: 1 % spec.partitions, key: 'dev-01', value: JSON.stringify({ deviceId: 'dev-01', seq: -1 }) } })
  // delivery order: by arrival time across partitions (a stable sort keeps each partition's order)
  return perPartition
    .flatMap((list) => list.sort((a, b) => a.at - b.at))
    .sort((a, b) => a.at - b.at)
    .map((x) => x.d)
}

export interface ExpectedWindow {
  deviceId: string
  metric: string
  sizeMs: number
  start: number
  count: number
  mean: number
  stddev: number
  min: number
  max: number
  first: number
  last: number
  late: number
  invalid: number
}

/** Impossible ranges of the golden test (DHT22), written out here rather than imported. */
const DHT22: Record<string, [number, number]> = { temperature: [-40, 80], humidity: [0, 100] }

/**
 * Expected stored windows. Dedup by (deviceId, boot, seq); impossible values excluded from the
 * stats and counted as invalid; a reading is late when, on its partition, the largest event time
 * delivered before it minus the lateness has reached its window's end.
 */
export function oracle(deliveries: Delivery[], spec: StreamSpec): Map<string, ExpectedWindow> {
  const seen = new Set<string>()
  const maxT = new Map<number, number>()
  const groups = new Map<string, { w: Omit<ExpectedWindow, 'count' | 'mean' | 'stddev' | 'min' | 'max' | 'first' | 'last'>; xs: number[]; ts: number[] }>()
  for (const d of deliveries) {
    const r = d.reading
    if (!r) continue
    const id = `${r.deviceId}/${r.boot}/${r.seq}`
    if (seen.has(id)) continue
    seen.add(id)
    const wm = (maxT.get(d.partition) ?? -Infinity) - spec.latenessMs
    for (const [metric, v] of Object.entries(r.metrics)) {
      const range = DHT22[metric] as [number, number]
      const bad = v < range[0] || v > range[1]
      for (const size of spec.windowSizesMs) {
        const start = Math.floor(r.eventTime / size) * size
        const k = `${r.deviceId}|${metric}|${size}|${start}`
        let g = groups.get(k)
        if (!g) groups.set(k, (g = { w: { deviceId: r.deviceId, metric, sizeMs: size, start, late: 0, invalid: 0 }, xs: [], ts: [] }))
        if (bad) {
          if (start + size > wm) g.w.invalid++
          continue
        }
        g.xs.push(v)
        g.ts.push(r.eventTime)
        if (start + size <= wm) g.w.late++
      }
    }
    maxT.set(d.partition, Math.max(maxT.get(d.partition) ?? -Infinity, r.eventTime))
  }
  const out = new Map<string, ExpectedWindow>()
  for (const [k, g] of groups) {
    const n = g.xs.length
    const mean = n ? g.xs.reduce((a, b) => a + b, 0) / n : NaN
    const variance = n ? g.xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n : NaN
    out.set(k, {
      ...g.w,
      count: n,
      mean,
      stddev: Math.sqrt(variance),
      min: n ? Math.min(...g.xs) : NaN,
      max: n ? Math.max(...g.xs) : NaN,
      first: n ? Math.min(...g.ts) : NaN,
      last: n ? Math.max(...g.ts) : NaN,
    })
  }
  return out
}
