// The state machine of one partition: dedup, per-device/metric tumbling windows, the watermark and
// the anomaly detectors. It is a pure function of (checkpointed state, records in offset order):
// no wall clock, no I/O — it only returns Effects. That is what makes replay exact: after a crash
// or a rebalance the new owner loads the last checkpoint and re-processes the records after it,
// re-deriving the very same rows. The single wall-clock input, the idle advance, is applied through
// idle(), after which the runner checkpoints before the next record (so replay starts past it).
import { UNKNOWN_DEVICE } from '../../contracts/pipeline-counters.ts'
import { ReadingCheck, type Reading } from '../../contracts/reading.ts'
import type { ProcessorRejectReason } from '../errors.ts'
import type { ProcessorCounters } from '../health/metrics.ts'
import { newRateState, rateStep, type RateRule, type RateState } from '../anomalies/rate-of-change.ts'
import type { Rules } from '../anomalies/rules-file.ts'
import { silenceCheck, silenceSeen, type SilenceState } from '../anomalies/silence.ts'
import { newStuckState, stuckStep, type StuckRule, type StuckState } from '../anomalies/stuck-sensor.ts'
import { newThresholdState, thresholdStep, type ThresholdRule, type ThresholdState } from '../anomalies/threshold-with-hysteresis.ts'
import { anomalyId, type Anomaly, type AnomalyKind, type Severity } from '../anomalies/types.ts'
import { SeenSet, type Ranges } from '../dedup/seen-set.ts'
import { addValue, emptyStats, type Stats } from '../windows/aggregate.ts'
import { windowKeyString, windowStartOf, type WindowKey } from '../windows/tumbling-window.ts'
import { Watermark, type WatermarkState } from '../windows/watermark.ts'
import { Effects, type DeviceRow } from './effects.ts'
import { PartitionPipelineCounts, type PipelineCountsSnapshot } from './pipeline-counts.ts'

export interface ProcessorOptions {
  windowSizesMs: readonly number[]
  allowedLatenessMs: number
  maxFutureMs: number
  defaultReportingIntervalMs: number
  rawStorage: boolean
  rules: Rules
  /** shared with the instance's metrics; counting is the only side effect */
  counters?: Counters
}

interface OpenWindow {
  key: WindowKey
  stats: Stats
  invalid: number
  closed?: boolean
}

/** Per device and metric: resolved rules and the windows last written (a cache, never checkpointed). */
interface Hot {
  sensor: string
  state: MetricState
  range: [number, number] | undefined
  thr: ThresholdRule | null
  rate: RateRule | null
  stuck: StuckRule | null
  last: Array<OpenWindow | undefined>
}

interface DeviceState {
  sensor: string
  dialect: string
  boot: number
  lastSeq: number
  firstSeen: number
  silence: SilenceState
  intervals: number[]
  prev: [boot: number, seq: number, t: number] | null
}

interface MetricState {
  thr: ThresholdState
  rate: RateState
  stuck: StuckState
  faultOpenedAt: number | null
}

export type Counters = Pick<ProcessorCounters, 'records' | 'readings' | 'duplicates' | 'late' | 'invalid' | 'rejected' | 'windowsClosed' | 'anomaliesOpened'>

export type RecordOutcome = 'ok' | 'duplicate' | ProcessorRejectReason

/** Checkpoint form of the state (JSON). */
export interface PartitionSnapshot {
  v: 1
  watermark: WatermarkState
  windows: Array<[WindowKey, Stats, number]>
  seen: Record<string, Record<string, Ranges>>
  devices: Array<[string, DeviceState]>
  metrics: Array<[string, MetricState]>
  windowThr: Array<[string, ThresholdState]>
  nextSilenceCheck: number
  /** per-device pipeline counts (pipeline-counts.ts); absent in checkpoints of older versions */
  pipeline?: PipelineCountsSnapshot
}

const SILENCE_CHECK_STEP_MS = 1_000
const INTERVAL_SAMPLES = 9
const finiteOr = (x: number, d: number): number => (Number.isFinite(x) ? x : d)

export class PartitionProcessor {
  readonly opts: ProcessorOptions
  readonly counters: Counters
  readonly watermark: Watermark
  readonly pipeline: PartitionPipelineCounts
  #windows = new Map<string, OpenWindow>()
  /** open windows by end time, and the distinct ends in ascending order (windows are aligned, so few) */
  #byEnd = new Map<number, Map<string, OpenWindow>>()
  #ends: number[] = []
  #seen = new SeenSet()
  #devices = new Map<string, DeviceState>()
  #metrics = new Map<string, MetricState>()
  #windowThr = new Map<string, ThresholdState>()
  #nextSilenceCheck = -Infinity
  readonly #hot = new Map<string, Map<string, Hot>>()

  constructor(opts: ProcessorOptions, snapshot?: PartitionSnapshot) {
    this.opts = opts
    this.counters = opts.counters ?? { records: 0, readings: 0, duplicates: 0, late: 0, invalid: 0, rejected: 0, windowsClosed: 0, anomaliesOpened: 0 }
    this.pipeline = new PartitionPipelineCounts(snapshot?.pipeline)
    this.watermark = new Watermark(
      opts.allowedLatenessMs,
      snapshot && { maxEventTime: finiteOr(snapshot.watermark.maxEventTime ?? NaN, -Infinity), floor: finiteOr(snapshot.watermark.floor ?? NaN, -Infinity) },
    )
    if (snapshot) {
      for (const [key, stats, invalid] of snapshot.windows) this.#open(windowKeyString(key), { key, stats: restoreStats(stats), invalid })
      this.#seen = SeenSet.fromJSON(snapshot.seen)
      this.#devices = new Map(snapshot.devices.map(([k, d]) => [k, { ...d, silence: { ...d.silence, lastEventTime: finiteOr(d.silence.lastEventTime ?? NaN, -Infinity) } }]))
      this.#metrics = new Map(snapshot.metrics.map(([k, m]) => [k, { ...m, rate: { ...m.rate, lastT: finiteOr(m.rate.lastT ?? NaN, -Infinity) } }]))
      this.#windowThr = new Map(snapshot.windowThr)
      this.#nextSilenceCheck = finiteOr(snapshot.nextSilenceCheck ?? NaN, -Infinity)
    }
  }

  get openWindows(): number {
    return this.#windows.size
  }

  snapshot(): PartitionSnapshot {
    return {
      v: 1,
      watermark: { ...this.watermark.state },
      windows: [...this.#windows.values()].map((w) => [w.key, w.stats, w.invalid]),
      seen: this.#seen.toJSON(),
      devices: [...this.#devices],
      metrics: [...this.#metrics],
      windowThr: [...this.#windowThr],
      nextSilenceCheck: this.#nextSilenceCheck,
      pipeline: this.pipeline.toJSON(),
    }
  }

  /** One Kafka record's value (and key: the deviceId). Returns what happened to it; effects are added to `fx`. */
  processValue(value: Buffer | null, fx: Effects, key?: string): { outcome: RecordOutcome; message?: string; deviceId?: string } {
    const res = this.#processValue(value, fx)
    const device = res.deviceId ?? key ?? UNKNOWN_DEVICE
    this.pipeline.inc(device, 'consumed')
    if (res.outcome === 'ok') this.pipeline.inc(device, 'stored_raw')
    else this.pipeline.inc(device, res.outcome === 'duplicate' ? 'duplicates' : 'dead_lettered')
    return res
  }

  #processValue(value: Buffer | null, fx: Effects): { outcome: RecordOutcome; message?: string; deviceId?: string } {
    this.counters.records++
    let parsed: unknown
    const text = value ? value.toString('utf8') : ''
    try {
      parsed = JSON.parse(text)
    } catch (err) {
      this.counters.rejected++
      return { outcome: 'PROC_REJECT_UNPARSEABLE', message: (err as Error).message }
    }
    if (!ReadingCheck.Check(parsed)) {
      this.counters.rejected++
      const first = ReadingCheck.Errors(parsed).First()
      return { outcome: 'PROC_REJECT_INVALID', message: first ? `${first.path || '/'}: ${first.message}` : 'not a canonical reading' }
    }
    const r = parsed as Reading
    if (Object.values(r.metrics).some((v) => !Number.isFinite(v))) {
      this.counters.rejected++
      return { outcome: 'PROC_REJECT_INVALID', message: 'metric value is not a finite number' }
    }
    if (r.eventTime > r.receivedAt + this.opts.maxFutureMs) {
      this.counters.rejected++
      return { outcome: 'PROC_REJECT_FUTURE_EVENT_TIME', message: `eventTime ${r.eventTime} is more than ${this.opts.maxFutureMs} ms after receivedAt ${r.receivedAt}` }
    }
    if (!this.#seen.add(r.deviceId, r.boot, r.seq)) {
      this.counters.duplicates++
      return { outcome: 'duplicate', deviceId: r.deviceId }
    }
    this.counters.readings++
    this.#reading(r, text, fx)
    return { outcome: 'ok', deviceId: r.deviceId }
  }

  /** `json` is the record's text: stored as the raw row's reading (effects.ts, RawRow). */
  #reading(r: Reading, json: string, fx: Effects): void {
    const t = r.eventTime
    const dev = this.#device(r)
    if (this.opts.rawStorage) fx.raw.push({ deviceId: r.deviceId, eventTime: t, boot: r.boot, seq: r.seq, json })
    const silence = silenceSeen(dev.silence, t)
    if (silence?.event === 'close') {
      const after = this.opts.rules.silenceAfterMs() ?? 0
      this.#anomaly(fx, r.deviceId, 'silence', '', 'warning', silence.openedAt, silence.closedAt, silence.closedAt - silence.openedAt + after, after, 'reporting again')
    }
    const wm = this.watermark.value
    let devHot = this.#hot.get(r.deviceId)
    if (!devHot) this.#hot.set(r.deviceId, (devHot = new Map()))
    const sizes = this.opts.windowSizesMs
    let anyValid = false
    for (const metric in r.metrics) {
      const value = r.metrics[metric] as number
      let h = devHot.get(metric)
      if (!h || h.sensor !== r.sensor) devHot.set(metric, (h = this.#hotFor(r.deviceId, r.sensor, metric)))
      const ms = h.state
      const range = h.range
      const impossible = range !== undefined && (value < range[0] || value > range[1])
      if (impossible) {
        this.counters.invalid++
        if (ms.faultOpenedAt === null) {
          ms.faultOpenedAt = t
          this.#anomaly(fx, r.deviceId, 'sensor_fault', metric, 'critical', t, undefined, value, value < range[0] ? range[0] : range[1], `${metric}=${value} outside ${r.sensor} range [${range[0]}, ${range[1]}]`)
        }
      } else if (ms.faultOpenedAt !== null && t >= ms.faultOpenedAt) {
        this.#anomaly(fx, r.deviceId, 'sensor_fault', metric, 'critical', ms.faultOpenedAt, t, value, NaN, `${metric} back in range`)
        ms.faultOpenedAt = null
      }
      for (let i = 0; i < sizes.length; i++) {
        const sizeMs = sizes[i] as number
        const start = windowStartOf(t, sizeMs)
        if (start + sizeMs <= wm) {
          // The watermark already closed this window: a correction, never a silent drop.
          if (!impossible) {
            this.counters.late++
            fx.late.push({ key: { deviceId: r.deviceId, metric, sizeMs, start }, boot: r.boot, seq: r.seq, value, eventTime: t })
          }
          continue
        }
        let w = h.last[i]
        if (!w || w.closed || w.key.start !== start) {
          const key: WindowKey = { deviceId: r.deviceId, metric, sizeMs, start }
          const ks = windowKeyString(key)
          w = this.#windows.get(ks)
          if (!w) this.#open(ks, (w = { key, stats: emptyStats(), invalid: 0 }))
          h.last[i] = w
        }
        if (impossible) w.invalid++
        else addValue(w.stats, value, t)
      }
      if (impossible) continue
      anyValid = true
      this.#detectors(fx, r.deviceId, metric, h, value, t)
    }
    this.#countWindowed(r.deviceId, t, wm, anyValid)
    this.watermark.observe(t)
    this.#advance(fx)
  }

  /** Pipeline account of one stored reading (pipeline-counts.ts): by its smallest window. */
  #countWindowed(deviceId: string, t: number, wm: number, anyValid: boolean): void {
    if (!anyValid) return this.pipeline.inc(deviceId, 'invalid')
    const size = Math.min(...this.opts.windowSizesMs)
    const end = windowStartOf(t, size) + size
    if (end > wm) return this.pipeline.awaitWindow(end, deviceId)
    // Same rule as the window loop above: its window was closed, the late row corrects it.
    this.pipeline.inc(deviceId, 'windowed')
    this.pipeline.inc(deviceId, 'late')
  }

  #hotFor(deviceId: string, sensor: string, metric: string): Hot {
    const rules = this.opts.rules
    return {
      sensor,
      state: this.#metric(deviceId, metric),
      range: rules.impossibleRange(sensor, metric),
      thr: rules.threshold(deviceId, metric),
      rate: rules.rate(metric),
      stuck: rules.stuck(metric),
      last: [],
    }
  }

  #detectors(fx: Effects, deviceId: string, metric: string, h: Hot, value: number, t: number): void {
    const ms = h.state
    const thr = h.thr
    if (thr) this.#thresholdEffects(fx, deviceId, metric, 'threshold', thr, ms.thr, value, t)
    const rate = h.rate
    if (rate) {
      const s = rateStep(rate, ms.rate, value, t)
      if (s?.event === 'open') this.#anomaly(fx, deviceId, 'rate_of_change', metric, rate.severity, s.openedAt, undefined, s.rate, rate.maxPerMinute, `|Δ${metric}| ${s.rate.toFixed(3)}/min`)
      else if (s?.event === 'close') this.#anomaly(fx, deviceId, 'rate_of_change', metric, rate.severity, s.openedAt, s.closedAt, s.rate, rate.maxPerMinute, `rate back under limit`)
    }
    const stuck = h.stuck
    if (stuck) {
      const s = stuckStep(stuck, ms.stuck, value, t)
      if (s?.event === 'open') this.#anomaly(fx, deviceId, 'stuck', metric, stuck.severity, s.openedAt, undefined, s.value, stuck.epsilon, `${stuck.samples} readings within ${stuck.epsilon}`)
      else if (s?.event === 'close') this.#anomaly(fx, deviceId, 'stuck', metric, stuck.severity, s.openedAt, s.closedAt, s.value, stuck.epsilon, 'moving again')
    }
  }

  #thresholdEffects(fx: Effects, deviceId: string, metric: string, kind: AnomalyKind, rule: ThresholdRule, st: ThresholdState, value: number, t: number, windowSizeMs?: number): void {
    const s = thresholdStep(rule, st, value, t)
    const what = windowSizeMs === undefined ? metric : `mean ${metric} over ${windowSizeMs} ms`
    if (s?.event === 'open') this.#anomaly(fx, deviceId, kind, metric, rule.severity, s.openedAt, undefined, value, s.limit, `${what} ${s.side === 'high' ? '>' : '<'} ${s.limit}`, windowSizeMs)
    else if (s?.event === 'close') this.#anomaly(fx, deviceId, kind, metric, rule.severity, s.openedAt, s.closedAt, value, s.limit, `${what} back within ${s.limit} ± ${rule.hysteresis}`, windowSizeMs)
  }

  /** Wall-clock idle advance (see watermark.ts). The caller must checkpoint right after a true. */
  idle(now: number, lastRecordAt: number, idleTimeoutMs: number, fx: Effects): boolean {
    if (!this.watermark.idleAdvance(now, lastRecordAt, idleTimeoutMs)) return false
    this.#advance(fx)
    return true
  }

  #open(ks: string, w: OpenWindow): void {
    this.#windows.set(ks, w)
    const end = w.key.start + w.key.sizeMs
    let group = this.#byEnd.get(end)
    if (!group) {
      this.#byEnd.set(end, (group = new Map()))
      let i = this.#ends.length
      while (i > 0 && (this.#ends[i - 1] as number) > end) i--
      this.#ends.splice(i, 0, end)
    }
    group.set(ks, w)
  }

  /** Windows the watermark has passed, oldest end first (creation order within one end). */
  *#closable(wm: number): Generator<[string, OpenWindow]> {
    while (this.#ends.length > 0 && (this.#ends[0] as number) <= wm) {
      const end = this.#ends.shift() as number
      const group = this.#byEnd.get(end)
      this.#byEnd.delete(end)
      if (group) yield* group
    }
  }

  #advance(fx: Effects): void {
    const wm = this.watermark.value
    this.pipeline.closeUpTo(wm)
    for (const [ks, w] of this.#closable(wm)) {
      this.#windows.delete(ks)
      w.closed = true
      this.counters.windowsClosed++
      const interval = this.#interval(w.key.deviceId)
      fx.windows.set(ks, { key: w.key, stats: w.stats, invalidCount: w.invalid, expectedCount: interval ? Math.max(1, Math.round(w.key.sizeMs / interval)) : null })
      const rule = this.opts.rules.threshold(w.key.deviceId, w.key.metric, true)
      if (rule && w.stats.count > 0) {
        const tk = `${w.key.deviceId}|${w.key.metric}|${w.key.sizeMs}`
        let st = this.#windowThr.get(tk)
        if (!st) this.#windowThr.set(tk, (st = newThresholdState()))
        this.#thresholdEffects(fx, w.key.deviceId, w.key.metric, 'threshold_window', rule, st, w.stats.mean, w.key.start, w.key.sizeMs)
      }
    }
    const after = this.opts.rules.silenceAfterMs()
    if (after !== null && wm >= this.#nextSilenceCheck) {
      this.#nextSilenceCheck = wm + SILENCE_CHECK_STEP_MS
      for (const [deviceId, d] of this.#devices) {
        const s = silenceCheck(d.silence, wm, after)
        if (s?.event === 'open') {
          this.#anomaly(fx, deviceId, 'silence', '', 'warning', s.openedAt, undefined, wm - d.silence.lastEventTime, after, `no reading for more than ${after} ms of event time`)
          fx.devices.set(deviceId, this.#deviceRow(deviceId, d))
        }
      }
    }
  }

  #device(r: Reading): DeviceState {
    let d = this.#devices.get(r.deviceId)
    if (!d) {
      d = { sensor: r.sensor, dialect: r.dialect, boot: r.boot, lastSeq: r.seq, firstSeen: r.eventTime, silence: { lastEventTime: -Infinity, openedAt: null }, intervals: [], prev: null }
      this.#devices.set(r.deviceId, d)
    }
    d.sensor = r.sensor
    d.dialect = r.dialect
    if (r.boot > d.boot || (r.boot === d.boot && r.seq > d.lastSeq)) {
      d.boot = r.boot
      d.lastSeq = r.seq
    }
    if (r.eventTime < d.firstSeen) d.firstSeen = r.eventTime
    if (d.prev && d.prev[0] === r.boot && d.prev[1] + 1 === r.seq && r.eventTime > d.prev[2]) {
      d.intervals.push(r.eventTime - d.prev[2])
      if (d.intervals.length > INTERVAL_SAMPLES) d.intervals.shift()
    }
    d.prev = [r.boot, r.seq, r.eventTime]
    return d
  }

  #anomaly(fx: Effects, deviceId: string, kind: AnomalyKind, metric: string, severity: Severity, openedAt: number, closedAt: number | undefined, value: number, threshold: number, detail: string, windowSizeMs?: number): void {
    const a: Anomaly = { deviceId, kind, metric, severity, openedAt, value, threshold, detail }
    if (windowSizeMs !== undefined) a.windowSizeMs = windowSizeMs
    if (closedAt !== undefined) {
      a.closedAt = closedAt
      const open = fx.anomalies.get(`${deviceId}|${anomalyId(a)}`)
      if (open) a.detail = `${open.detail}; ${detail}`
    } else this.counters.anomaliesOpened++
    fx.anomalies.set(`${deviceId}|${anomalyId(a)}`, a)
    fx.anomalyEvents.push({ ...a })
  }

  #deviceRow(deviceId: string, d: DeviceState): DeviceRow {
    return {
      deviceId,
      sensor: d.sensor,
      dialect: d.dialect,
      site: this.opts.rules.file.devices?.[deviceId]?.site ?? null,
      status: d.silence.openedAt !== null ? 'silent' : 'online',
      firstSeen: d.firstSeen,
      lastSeen: d.silence.lastEventTime,
      reportingIntervalMs: this.#interval(deviceId),
      boot: d.boot,
      lastSeq: d.lastSeq,
    }
  }

  /** Device rows for every device touched by `fx` (called once per batch by the runner). */
  deviceRows(fx: Effects, deviceIds: Iterable<string>): void {
    for (const id of deviceIds) {
      const d = this.#devices.get(id)
      if (d) fx.devices.set(id, this.#deviceRow(id, d))
    }
  }

  #interval(deviceId: string): number | null {
    const fromRules = this.opts.rules.reportingIntervalMs(deviceId)
    if (fromRules) return fromRules
    const d = this.#devices.get(deviceId)
    if (d && d.intervals.length > 0) {
      const sorted = [...d.intervals].sort((a, b) => a - b)
      return sorted[sorted.length >> 1] as number
    }
    return this.opts.defaultReportingIntervalMs || null
  }

  #metric(deviceId: string, metric: string): MetricState {
    const k = `${deviceId}|${metric}`
    let m = this.#metrics.get(k)
    if (!m) this.#metrics.set(k, (m = { thr: newThresholdState(), rate: newRateState(), stuck: newStuckState(), faultOpenedAt: null }))
    return m
  }
}

// JSON turns ±Infinity into null; the first/last/min/max of an empty accumulator come back here.
function restoreStats(s: Stats): Stats {
  return {
    count: s.count,
    mean: s.mean,
    m2: s.m2,
    min: finiteOr(s.min ?? NaN, Infinity),
    max: finiteOr(s.max ?? NaN, -Infinity),
    firstEvent: finiteOr(s.firstEvent ?? NaN, Infinity),
    lastEvent: finiteOr(s.lastEvent ?? NaN, -Infinity),
  }
}
