import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import type { ByteWriter } from '../engine/byte-writer.ts'

/** What a firmware knows when it formats one reading. */
export interface ReadingInput {
  deviceId: string
  profile: FirmwareProfile
  seq: number
  boot: number
  /** device clock, epoch ms */
  deviceTime: number
  /** the device's configured UTC offset (Tasmota prints local time) */
  utcOffsetMinutes: number
  /** aligned with profile.channels; NaN = failed read */
  values: readonly number[]
  battery?: number
  rssi?: number
}

export interface EncodedMessage {
  topic: string
  payload: string
  /** the metric values this message carries, as the receiver will decode them */
  metrics: Record<string, number>
  /**
   * `metrics` as the inside of a JSON object (NaN as null), built from the same number strings as
   * the payload: number-to-string conversion dominated the --out hot path when done twice
   */
  metricsJson?: string
  /** `payload` as a JSON string literal (JSON.stringify(payload)), built with it for the same reason */
  payloadJson?: string
}

/**
 * The byte-level twin of an encoder whose reading is always one message, for the --out fast path
 * (engine/telemetry-line.ts): the same texts written straight into the output buffer, so no
 * payload, payloadJson or metrics strings are built. Must match encode() byte for byte
 * (test/device-sim/dialects/native-bytes.test.ts).
 */
export interface DialectBytes {
  /** the topic of the message */
  topic(deviceId: string): string
  /**
   * Buffer.byteLength of the message's payload, or −1 when encode() returns no message (every
   * channel failed). Fills `texts` with what the write calls below need (the number texts, so
   * each value goes through numberText's cache once).
   */
  prepare(r: ReadingInput, texts: string[]): number
  /** JSON.stringify(payload), after prepare() */
  writePayloadJson(r: ReadingInput, texts: readonly string[], w: ByteWriter): void
  /** the message's metricsJson, after prepare() */
  writeMetricsJson(r: ReadingInput, texts: readonly string[], w: ByteWriter): void
  /** a device's line template, when the dialect has one (null: none for this device) */
  line?(parts: LineTemplateParts): LineTemplate | null
}

/**
 * A device's whole --out telemetry line as a template (dialects/native-line.ts): load() takes a
 * reading's numbers, and write() then gives the same bytes as writeTelemetryLine's generic path.
 */
export interface LineTemplate {
  /** false when the reading has a number the template cannot write (then use the generic path) */
  load(r: ReadingInput): boolean
  /** Buffer.byteLength of the loaded reading's payload */
  payloadBytes(): number
  /** at least payloadBytes() of any reading load() accepts */
  readonly maxPayloadBytes: number
  /** the loaded reading's line, newline included */
  write(w: ByteWriter, publishedAt: number, fault: string | null): void
}

/** What a line template is made from, once per device. */
export interface LineTemplateParts {
  deviceId: string
  topic: string
  qos: 0 | 1
  profile: FirmwareProfile
  hasBattery: boolean
  hasRssi: boolean
  /** the line's text after the publish time, up to the payload (telemetry-line.ts headText) */
  head: string
  /** the reading's text from the sensor to the metrics' opening brace (telemetry-line.ts sensorText) */
  sensor: string
}

export interface DialectEncoder {
  /** messages for one reading; empty when the firmware would not publish (a failed read) */
  encode(r: ReadingInput): EncodedMessage[]
  statusTopic(deviceId: string): string
  online: string
  offline: string
  bytes?: DialectBytes
}
