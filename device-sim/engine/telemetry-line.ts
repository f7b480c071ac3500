// The --out fast path for telemetry: the NDJSON line of a telemetry publish written as bytes from
// the reading itself, for dialects with a byte encoder (DialectBytes). The bytes equal
// toNdjsonLine() of the PublishRecord the device would otherwise build; with a thousand devices,
// building that record's strings and objects, then the line, then flattening and encoding it was
// most of the --out cost.
import type { Dialect } from '../../contracts/reading.ts'
import type { DialectBytes, LineTemplate, ReadingInput } from '../dialects/dialect-types.ts'
import { utf8, type ByteWriter, type Bytes } from './byte-writer.ts'

/** The pieces of a device's telemetry lines that never change, encoded once per device. */
export interface LineParts {
  /** `,"deviceId":…,"payload":` */
  head: Bytes
  /** `,"sensor":…,"metrics":{` */
  sensor: Bytes
}

/**
 * One telemetry publish of an online device without chaos, as its parts. The device owns it and
 * refills it for every reading: valid only during DeviceOutput.telemetry().
 */
export interface TelemetryView {
  publishedAt: number
  /** seq, boot, deviceTime, values, battery, rssi and profile of the reading */
  input: ReadingInput
  fault: string | null
  bytes: DialectBytes
  /** filled by bytes.prepare() */
  texts: string[]
  parts: LineParts
  /** the device's line template, loaded with this reading; null: write the line from the parts */
  line: LineTemplate | null
}

/** `,"deviceId":…,"payload":` */
export const headText = (deviceId: string, topic: string, qos: 0 | 1): string =>
  `,"deviceId":"${deviceId}","kind":"telemetry","topic":"${topic}","qos":${qos},"retain":false,"payload":`

/** `,"sensor":…,"metrics":{` */
export const sensorText = (sensor: string, dialect: Dialect): string => `,"sensor":"${sensor}","dialect":"${dialect}","metrics":{`

export function lineParts(deviceId: string, topic: string, qos: 0 | 1, sensor: string, dialect: Dialect): LineParts {
  return { head: utf8(headText(deviceId, topic, qos)), sensor: utf8(sensorText(sensor, dialect)) }
}

const OPEN = utf8('{"publishedAt":')
const SEQ = utf8(',"reading":{"seq":')
const BOOT = utf8(',"boot":')
const EVENT_TIME = utf8(',"eventTime":')
const SAMPLED_AT = utf8(',"sampledAt":')
const METRICS_END = utf8('}')
const BATTERY = utf8(',"battery":')
const RSSI = utf8(',"rssi":')
const FAULT_NULL = utf8(',"fault":null},"chaos":null}\n')
const CLOSE = utf8('},"chaos":null}\n')
const NUL = utf8('null')

// fault tags are a handful of profile-defined names
const faults = new Map<string, Bytes>()
const faultBytes = (f: string): Bytes => {
  let b = faults.get(f)
  if (b === undefined) {
    b = utf8(`,"fault":"${f}"`)
    faults.set(f, b)
  }
  return b
}

/** The line of toNdjsonLine() for this publish, newline included. */
export function writeTelemetryLine(w: ByteWriter, v: TelemetryView): void {
  if (v.line !== null) {
    v.line.write(w, v.publishedAt, v.fault)
    return
  }
  const r = v.input
  w.bytes(OPEN)
  const at = w.pos
  w.num(v.publishedAt)
  const atEnd = w.pos
  w.bytes(v.parts.head)
  v.bytes.writePayloadJson(r, v.texts, w)
  w.bytes(SEQ)
  w.str(r.seq)
  w.bytes(BOOT)
  w.str(r.boot)
  w.bytes(EVENT_TIME)
  w.num(r.deviceTime)
  w.bytes(SAMPLED_AT)
  // sampledAt is publishedAt on this path: copy its digits
  w.buf.copyWithin(w.pos, at, atEnd)
  w.pos += atEnd - at
  w.bytes(v.parts.sensor)
  v.bytes.writeMetricsJson(r, v.texts, w)
  w.bytes(METRICS_END)
  if (r.battery !== undefined) {
    w.bytes(BATTERY)
    if (Number.isFinite(r.battery)) w.value(r.battery)
    else w.bytes(NUL)
  }
  if (r.rssi !== undefined) {
    w.bytes(RSSI)
    w.num(r.rssi)
  }
  if (v.fault === null) w.bytes(FAULT_NULL)
  else {
    w.bytes(faultBytes(v.fault))
    w.bytes(CLOSE)
  }
}
