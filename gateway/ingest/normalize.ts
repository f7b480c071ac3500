// Every dialect adapter produces a RawReading; this turns it into the canonical Reading: time
// plausibility → timeSource, NaN handling, physical ranges, and the compiled schema check.
import { ReadingCheck, type Dialect, type Reading, type TimeSource } from '../../contracts/reading.ts'
import { impossibleMetric } from './physical-ranges.ts'
import { Rejection } from './reject-reasons.ts'

export interface RawReading {
  deviceId: string
  dialect: Dialect
  sensor: string
  seq?: number
  boot?: number
  /** device clock, epoch ms; undefined when the dialect carries no time */
  deviceTime?: number
  /** metric name → value as received (number, null, "nan", …) */
  values: Record<string, unknown>
  battery?: number
  rssi?: number
}

export interface NormalizeContext {
  now: number
  minPlausibleMs: number
  maxFutureSkewMs: number
  gatewaySeq: { boot: number; take(deviceId: string): number }
}

export type Normalized =
  | { kind: 'reading'; reading: Reading; nanDropped: number }
  /** every metric was a read failure (NaN): counted, nothing stored */
  | { kind: 'sensor_failure'; nanDropped: number }

/** NaN, "nan", null: how firmware reports a failed read (Adafruit DHT returns NAN; ArduinoJson writes null). */
export function isReadFailure(v: unknown): boolean {
  if (v === null) return true
  if (typeof v === 'number') return !Number.isFinite(v)
  return typeof v === 'string' && /^[+-]?(nan|inf(inity)?)$/i.test(v.trim())
}

export function timeSourceFor(deviceTime: number | undefined, ctx: NormalizeContext): { eventTime: number; timeSource: TimeSource } {
  if (deviceTime === undefined) return { eventTime: ctx.now, timeSource: 'gateway' }
  // A clock near 1970 has not had its first NTP sync.
  if (deviceTime < ctx.minPlausibleMs) return { eventTime: ctx.now, timeSource: 'gateway-unsynced' }
  if (deviceTime > ctx.now + ctx.maxFutureSkewMs) return { eventTime: ctx.now, timeSource: 'gateway-future' }
  return { eventTime: Math.trunc(deviceTime), timeSource: 'device' }
}

const METRIC_NAME = /^[a-z][a-z0-9_]{0,31}$/

export function normalize(raw: RawReading, ctx: NormalizeContext): Normalized | Rejection {
  const metrics: Record<string, number> = {}
  let nanDropped = 0
  let kept = 0
  // for…in with an own-property check is what Object.entries visits, without allocating an array
  // of pairs per reading (Object.entries here and in parseNative were ~10 % of the gateway's
  // allocations under the pipeline benchmark; every allocation brings the next scavenge closer).
  const values = raw.values
  for (const name in values) {
    if (!Object.hasOwn(values, name)) continue
    const v = values[name]
    if (!METRIC_NAME.test(name)) return new Rejection('GW_REJECT_SCHEMA', `metric name ${JSON.stringify(name)} is not [a-z][a-z0-9_]{0,31}`)
    if (isReadFailure(v)) nanDropped++
    else if (typeof v === 'number') {
      metrics[name] = v
      kept++
    } else return new Rejection('GW_REJECT_SCHEMA', `metric ${name} is not a number`)
  }
  if (kept === 0) {
    if (nanDropped > 0) return { kind: 'sensor_failure', nanDropped }
    return new Rejection('GW_REJECT_SCHEMA', 'no metric in the message')
  }
  const impossible = impossibleMetric(raw.sensor, metrics)
  if (impossible) return new Rejection('GW_REJECT_IMPOSSIBLE_VALUE', impossible)

  const hasSeq = raw.seq !== undefined
  const reading: Reading = {
    deviceId: raw.deviceId,
    seq: hasSeq ? (raw.seq as number) : ctx.gatewaySeq.take(raw.deviceId),
    seqSource: hasSeq ? 'device' : 'gateway',
    boot: hasSeq ? (raw.boot ?? 0) : ctx.gatewaySeq.boot,
    ...timeSourceFor(raw.deviceTime, ctx),
    receivedAt: ctx.now,
    sensor: raw.sensor,
    dialect: raw.dialect,
    metrics,
  }
  if (raw.battery !== undefined) reading.battery = raw.battery
  if (raw.rssi !== undefined) reading.rssi = raw.rssi
  if (!ReadingCheck.Check(reading)) {
    const e = ReadingCheck.Errors(reading).First()
    const impossibleField = e && (e.path === '/battery' || e.path === '/rssi')
    return new Rejection(impossibleField ? 'GW_REJECT_IMPOSSIBLE_VALUE' : 'GW_REJECT_SCHEMA', e ? `${e.path}: ${e.message}` : 'schema violation')
  }
  return { kind: 'reading', reading, nanDropped }
}
