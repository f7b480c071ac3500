import type { Dialect } from '../../contracts/reading.ts'
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import type { ChaosOptions } from '../chaos/chaos-options.ts'
import type { PublishRecord } from '../engine/publish-record.ts'
import type { TelemetryView } from '../engine/telemetry-line.ts'
import type { ScriptedEvent } from '../environment/scripted-events.ts'
import type { SiteEnvironment } from '../environment/site-environment.ts'
import type { ClientKind } from './client-kind.ts'

/** mains: always on; battery: always on, running down a cell; deep-sleep: wake, publish, sleep. */
export type PowerMode = 'mains' | 'battery' | 'deep-sleep'

export interface DeviceSpec {
  id: string
  profile: FirmwareProfile
  dialect: Dialect
  qos: 0 | 1
  client: ClientKind
  intervalMs: number
  power: PowerMode
  batteryMah: number
  env: SiteEnvironment
  /** sensor-unplugged events that apply to this device */
  unplugged: readonly ScriptedEvent[]
  chaos: ChaosOptions
}

/** The session transitions the transport must mirror on a real MQTT connection. */
export interface SessionEvent {
  deviceId: string
  at: number
  state: 'up' | 'down'
  /** down: true = DISCONNECT sent (no Will), false = link lost (the broker fires the Will) */
  graceful: boolean
}

export interface DeviceOutput {
  publish(r: PublishRecord): void
  session(e: SessionEvent): void
  /**
   * Optional fast path (the NDJSON writer): an output with it gets each telemetry publish of an
   * online device without chaos, in a dialect with a byte encoder, as a TelemetryView instead of a
   * PublishRecord through publish(). The view is only valid during the call.
   */
  telemetry?(v: TelemetryView): void
}

export interface DeviceCounters {
  reads: number
  published: number
  /** built while the link was down and lost (no outbox, or QoS 0) */
  droppedOffline: number
  /** esp-mqtt outbox items older than 30 s at reconnect */
  expired: number
  /** too big for the client's packet buffer (publish() returned false) */
  oversize: number
  /** reads where every channel failed, so the firmware published nothing */
  skippedFailedReads: number
  boots: number
  wifiDrops: number
  batteryDead: boolean
}
