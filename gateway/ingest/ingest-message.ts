// One authorised PUBLISH → the records that must be durable before it is acknowledged: canonical
// readings, a dead letter for rejected input, or a device event for a status message / Will.
import type { DeadLetter } from '../../contracts/dead-letter.ts'
import type { DeviceEvent } from '../../contracts/device-event.ts'
import type { Route } from '../acl/topic-routes.ts'
import type { SinkRecord } from '../sink/telemetry-sink.ts'
import { parseEsphome } from './esphome.ts'
import { parseNative } from './native.ts'
import { normalize, type NormalizeContext, type RawReading } from './normalize.ts'
import { Rejection, type RejectReason } from './reject-reasons.ts'
import { parseStatus } from './status.ts'
import { parseTasmota } from './tasmota.ts'

export interface IngestContext extends Omit<NormalizeContext, 'now'> {
  now(): number
  tasmotaUtcOffsetMin: number
  /** profile id registered for a device (credentials file), for dialects that do not name one */
  sensorFor(deviceId: string): string | undefined
}

export interface IngestOutcome {
  records: SinkRecord[]
  readings: number
  rejected: RejectReason | null
  nanDropped: number
  sensorFailures: number
  events: number
}

export interface InboundMessage {
  route: Route
  topic: string
  payload: Uint8Array
  clientId: string
  /** published by the broker as the client's Last Will */
  isWill: boolean
}

const deadLetter = (m: InboundMessage, r: Rejection, at: number): SinkRecord => {
  const dl: DeadLetter = {
    reason: r.reason,
    message: r.message,
    source: 'gateway',
    topic: m.topic,
    clientId: m.clientId,
    payloadBase64: Buffer.from(m.payload.buffer, m.payload.byteOffset, m.payload.byteLength).toString('base64'),
    at,
  }
  return { stream: 'dlq', key: m.clientId, value: JSON.stringify(dl) }
}

function rawReadings(m: InboundMessage, ctx: IngestContext): RawReading[] | Rejection {
  const { route } = m
  const sensor = ctx.sensorFor(m.clientId)
  if (route.kind !== 'telemetry') return new Rejection('GW_REJECT_UNKNOWN_DIALECT', `no dialect publishes to ${m.topic}`)
  if (route.dialect === 'native') {
    const r = parseNative(m.payload, route.deviceId, sensor ?? 'unknown')
    return r instanceof Rejection ? r : [r]
  }
  if (route.dialect === 'tasmota') return parseTasmota(m.payload, route.deviceId, ctx.tasmotaUtcOffsetMin)
  if (route.dialect !== 'esphome') return new Rejection('GW_REJECT_UNKNOWN_DIALECT', `no dialect publishes to ${m.topic}`)
  const r = parseEsphome(m.payload, route.deviceId, route.sensorName, sensor ?? 'esphome')
  return r instanceof Rejection ? r : [r]
}

/** Never throws: an unexpected failure on one payload is dead-lettered, not a process crash. */
export function ingestMessage(m: InboundMessage, ctx: IngestContext): IngestOutcome {
  try {
    return ingestUnsafe(m, ctx)
  } catch (err) {
    const r = new Rejection('GW_REJECT_INTERNAL', `gateway error: ${(err as Error).message}`)
    return { records: [deadLetter(m, r, ctx.now())], readings: 0, rejected: r.reason, nanDropped: 0, sensorFailures: 0, events: 0 }
  }
}

// Runs once per PUBLISH: no per-call closures or context spreads (they showed in profiles).
const rejectOutcome = (m: InboundMessage, r: Rejection, now: number): IngestOutcome => ({
  records: [deadLetter(m, r, now)],
  readings: 0,
  rejected: r.reason,
  nanDropped: 0,
  sensorFailures: 0,
  events: 0,
})

function ingestUnsafe(m: InboundMessage, ctx: IngestContext): IngestOutcome {
  const now = ctx.now()
  if (m.route.kind === 'status') {
    const status = parseStatus(m.payload)
    if (status instanceof Rejection) return rejectOutcome(m, status, now)
    const ev: DeviceEvent = { deviceId: m.route.deviceId, kind: m.isWill ? 'will' : 'status', status, at: now, detail: m.topic }
    return { records: [{ stream: 'events', key: m.route.deviceId, value: JSON.stringify(ev) }], readings: 0, rejected: null, nanDropped: 0, sensorFailures: 0, events: 1 }
  }
  const raws = rawReadings(m, ctx)
  if (raws instanceof Rejection) return rejectOutcome(m, raws, now)
  const nctx: NormalizeContext = { now, minPlausibleMs: ctx.minPlausibleMs, maxFutureSkewMs: ctx.maxFutureSkewMs, gatewaySeq: ctx.gatewaySeq }
  const out: IngestOutcome = { records: [], readings: 0, rejected: null, nanDropped: 0, sensorFailures: 0, events: 0 }
  for (const raw of raws) {
    const n = normalize(raw, nctx)
    // One bad sensor object rejects the whole message: the DLQ keeps the raw bytes to replay.
    if (n instanceof Rejection) return rejectOutcome(m, n, now)
    out.nanDropped += n.nanDropped
    if (n.kind === 'sensor_failure') out.sensorFailures++
    else {
      out.records.push({ stream: 'readings', key: n.reading.deviceId, value: JSON.stringify(n.reading) })
      out.readings++
    }
  }
  return out
}
