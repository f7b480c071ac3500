// One line of the `--out` NDJSON: one MQTT publish, exactly as sent, plus the reading it carries
// in decoded form so an oracle never has to parse dialects. Key order is fixed by construction
// (see toNdjsonLine) so a seed gives byte-identical files. Format: device-sim/README.md.
import type { Dialect } from '../../contracts/reading.ts'

export interface DecodedReading {
  seq: number
  boot: number
  /** the device clock at the read (epoch ms; near 0 before the first NTP sync) */
  eventTime: number
  /** the true simulated time of the read (epoch ms) */
  sampledAt: number
  sensor: string
  dialect: Dialect
  /** what the payload carries; NaN (a failed read) is written as null */
  metrics: Record<string, number>
  battery?: number
  rssi?: number
  /** the failure mode the sensor model injected into this read, if any */
  fault: string | null
}

export interface PublishRecord {
  /** true simulated time of the publish, epoch ms */
  publishedAt: number
  deviceId: string
  kind: 'telemetry' | 'status'
  topic: string
  qos: 0 | 1
  retain: boolean
  payload: string
  reading: DecodedReading | null
  /** the chaos option that produced or altered this publish, if any */
  chaos: string | null
}

const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null')

// Anything JSON must escape besides the double quote: backslash, control characters, surrogates.
const NEEDS_FULL_ESCAPE = /[\\\u0000-\u001f\ud800-\udfff]/

/** JSON string literal; payloads are mostly JSON themselves, where only `"` needs escaping. */
const quote = (s: string): string => (NEEDS_FULL_ESCAPE.test(s) ? JSON.stringify(s) : `"${s.replaceAll('"', '\\"')}"`)

/**
 * Hand-built JSON (the same bytes JSON.stringify gives for these shapes: undefined keys left out,
 * NaN as null) because serialisation dominates --out mode. Device ids, topics, sensor ids, metric
 * names and fault tags come from patterns without characters JSON escapes, so only the payload
 * and chaos tag go through quote().
 */
export function toNdjsonLine(r: PublishRecord): string {
  const x = r.reading
  let reading = 'null'
  if (x !== null) {
    let metrics = ''
    for (const k in x.metrics) metrics += `${metrics === '' ? '' : ','}"${k}":${num(x.metrics[k] as number)}`
    reading =
      `{"seq":${x.seq},"boot":${x.boot},"eventTime":${num(x.eventTime)},"sampledAt":${num(x.sampledAt)},"sensor":"${x.sensor}",` +
      `"dialect":"${x.dialect}","metrics":{${metrics}}${x.battery === undefined ? '' : `,"battery":${num(x.battery)}`}` +
      `${x.rssi === undefined ? '' : `,"rssi":${num(x.rssi)}`},"fault":${x.fault === null ? 'null' : `"${x.fault}"`}}`
  }
  return (
    `{"publishedAt":${num(r.publishedAt)},"deviceId":"${r.deviceId}","kind":"${r.kind}","topic":"${r.topic}",` +
    `"qos":${r.qos},"retain":${r.retain},"payload":${quote(r.payload)},"reading":${reading},"chaos":${r.chaos === null ? 'null' : `"${r.chaos}"`}}`
  )
}

/** The reference serialisation toNdjsonLine must match byte for byte (used by the tests). */
export function toNdjsonLineReference(r: PublishRecord): string {
  const x = r.reading
  return JSON.stringify({
    publishedAt: r.publishedAt,
    deviceId: r.deviceId,
    kind: r.kind,
    topic: r.topic,
    qos: r.qos,
    retain: r.retain,
    payload: r.payload,
    reading:
      x === null
        ? null
        : { seq: x.seq, boot: x.boot, eventTime: x.eventTime, sampledAt: x.sampledAt, sensor: x.sensor, dialect: x.dialect, metrics: x.metrics, battery: x.battery, rssi: x.rssi, fault: x.fault },
    chaos: r.chaos,
  })
}
