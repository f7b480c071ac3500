// One line of the `--out` NDJSON: one MQTT publish, exactly as sent, plus the reading it carries
// in decoded form so an oracle never has to parse dialects. Key order is fixed by construction
// (see toNdjsonLine) so a seed gives byte-identical files. Format: device-sim/README.md.
import type { Dialect } from '../../contracts/reading.ts'
import { numberText } from '../dialects/number-text.ts'

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
  /** `metrics` pre-serialised by the encoder (see EncodedMessage.metricsJson); not a key of the line */
  metricsJson?: string
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
  /**
   * JSON string literal of `payloadJsonOf`, built by the encoder (escaping every payload again was
   * the largest single cost of --out); used only while `payloadJsonOf` is still `payload`, so a
   * copy with an altered payload (chaos) falls back to escaping. Neither is a key of the line.
   */
  payloadJson?: string
  payloadJsonOf?: string
}

/**
 * A session change, written only with --out-sessions: the device's MQTT connection came up, was
 * closed with DISCONNECT (graceful, no Will) or died with its link (the broker publishes the Will).
 */
export interface SessionRecord {
  /** true simulated time of the change, epoch ms (the key every line is ordered by) */
  publishedAt: number
  deviceId: string
  kind: 'session'
  state: 'up' | 'down'
  graceful: boolean
}

/** The NDJSON line of a session change; keys in this order. */
export function sessionNdjsonLine(e: { at: number; deviceId: string; state: 'up' | 'down'; graceful: boolean }): string {
  return `{"publishedAt":${num(e.at)},"deviceId":"${e.deviceId}","kind":"session","state":"${e.state}","graceful":${e.graceful}}`
}

const num = (v: number): string => (Number.isFinite(v) ? String(v) : 'null')

/** JSON string literal (JSON.stringify measured faster than a regex test plus replaceAll). */
const quote = (s: string): string => JSON.stringify(s)

/**
 * Hand-built JSON (the same bytes JSON.stringify gives for these shapes: undefined keys left out,
 * NaN as null) because serialisation dominates --out mode. Device ids, topics, sensor ids, metric
 * names and fault tags come from patterns without characters JSON escapes, so only the payload
 * is escaped (by its encoder, or here).
 */
export function toNdjsonLine(r: PublishRecord): string {
  const x = r.reading
  let reading = 'null'
  const at = num(r.publishedAt)
  if (x !== null) {
    let metrics = x.metricsJson
    if (metrics === undefined) {
      metrics = ''
      for (const k in x.metrics) metrics += `${metrics === '' ? '' : ','}"${k}":${num(x.metrics[k] as number)}`
    }
    reading =
      `{"seq":${x.seq},"boot":${x.boot},"eventTime":${num(x.eventTime)},"sampledAt":${x.sampledAt === r.publishedAt ? at : num(x.sampledAt)},"sensor":"${x.sensor}",` +
      `"dialect":"${x.dialect}","metrics":{${metrics}}${x.battery === undefined ? '' : `,"battery":${Number.isFinite(x.battery) ? numberText(x.battery) : 'null'}`}` +
      `${x.rssi === undefined ? '' : `,"rssi":${num(x.rssi)}`},"fault":${x.fault === null ? 'null' : `"${x.fault}"`}}`
  }
  return (
    `{"publishedAt":${at},"deviceId":"${r.deviceId}","kind":"${r.kind}","topic":"${r.topic}",` +
    `"qos":${r.qos},"retain":${r.retain},"payload":${r.payloadJson !== undefined && r.payloadJsonOf === r.payload ? r.payloadJson : quote(r.payload)},"reading":${reading},"chaos":${r.chaos === null ? 'null' : `"${r.chaos}"`}}`
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
