import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'

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

export interface DialectEncoder {
  /** messages for one reading; empty when the firmware would not publish (a failed read) */
  encode(r: ReadingInput): EncodedMessage[]
  statusTopic(deviceId: string): string
  online: string
  offline: string
}
