// An ESP32-class device as a discrete-event state machine in simulated time: boot → Wi-Fi + MQTT
// connect → periodic read-and-publish (or wake-publish-sleep) with Wi-Fi drops, reboots, NTP syncs
// and a draining battery. Every random draw comes from the device's own seeded streams.
import { createRng, type Rng } from '../random/prng.ts'
import { SensorModel } from '../sensor/sensor-model.ts'
import { encoders } from '../dialects/encoders.ts'
import type { DialectBytes, DialectEncoder, LineTemplate } from '../dialects/dialect-types.ts'
import { ChaosStage } from '../chaos/chaos-stage.ts'
import type { DecodedReading, PublishRecord } from '../engine/publish-record.ts'
import { headText, lineParts, sensorText, type LineParts, type TelemetryView } from '../engine/telemetry-line.ts'
import type { ReadingInput } from '../dialects/dialect-types.ts'
import { Battery, BROWN_OUT_V } from './battery.ts'
import { fitsPacket } from './client-kind.ts'
import { DeviceClock } from './device-clock.ts'
import { DeviceTimes } from './device-times.ts'
import type { DeviceCounters, DeviceOutput, DeviceSpec } from './device-spec.ts'
import { EspOutbox } from './esp-outbox.ts'
import { WifiLink } from './wifi-link.ts'

type Phase = 'booting' | 'online' | 'offline' | 'sleeping' | 'dead'

const HOUR = 3_600_000
const NTP_RESYNC_MS = HOUR // §4.6 CONFIG_LWIP_SNTP_UPDATE_DELAY = 1 h
const NTP_SUCCESS = 0.95 // estimate: one SNTP attempt succeeds
const NTP_RETRY_MS = 15_000 // estimate
const DEEP_SLEEP_SYNC_EVERY = 12 // estimate: battery firmware syncs every 12th wake to save power
const REBOOTS_PER_DAY = 1 / 14 // estimate: brown-outs, watchdog resets, power cuts on mains nodes
const AWAKE_MA = 120 // §4.3 Wi-Fi TX 160–260 / RX 80–90 mA: an estimated active average
const ALWAYS_ON_MA = 50 // §4.3 modem-sleep 20–50 mA plus TX bursts: estimate
const DEEP_SLEEP_MA = 0.01 // §4.3 Deep-sleep, RTC timer + RTC memory: 10 µA (bare module)

/**
 * The reading being encoded, and its fast-path view, shared by every device: each is filled and
 * consumed within one onReport call (encoders and outputs keep nothing of them), and one object
 * stays in cache where a thousand per-device copies were cache misses on every reading.
 */
let sharedInput: ReadingInput | undefined
let sharedView: TelemetryView | undefined
const newView = (input: ReadingInput, bytes: DialectBytes, parts: LineParts): TelemetryView => ({ publishedAt: 0, input, fault: null, bytes, texts: [], parts, line: null })

export class Device extends DeviceTimes {
  readonly spec: DeviceSpec
  readonly id: string
  readonly sensor: SensorModel
  readonly clock: DeviceClock
  readonly wifi: WifiLink
  readonly battery: Battery | null
  readonly counters: DeviceCounters = {
    reads: 0,
    published: 0,
    droppedOffline: 0,
    expired: 0,
    oversize: 0,
    skippedFailedReads: 0,
    boots: 0,
    wifiDrops: 0,
    batteryDead: false,
  }
  /** position in the fleet, the tie-breaker between events at the same instant */
  rank = 0
  private readonly encoder: DialectEncoder
  private readonly rng: Rng
  private readonly chaos: ChaosStage
  private readonly outbox: EspOutbox | null
  /** the fleet's shared reading (sharedInput) */
  private readonly input: ReadingInput
  /** the constant pieces of this device's fast-path lines, made on first use */
  private parts: LineParts | null = null
  private topicBytes = 0
  /** this device's whole fast-path line as a template, when its dialect has one (made with `parts`) */
  private line: LineTemplate | null = null
  /** no reading the template takes can exceed the client's packet buffer, so it need not be measured */
  private lineAlwaysFits = false
  private phase: Phase = 'booting'
  private seq = 0
  private boot = -1
  /**
   * Published boot counter = bootBase + power-ons in this run. Real firmware keeps its counter in
   * flash across power cycles; a simulator run starting again at 0 would reuse (boot, seq) pairs of
   * an earlier run, and downstream dedup on (deviceId, boot, seq) would drop the new readings as
   * duplicates. The simulated start in epoch seconds is unique per start yet deterministic for --out.
   */
  private readonly bootBase: number
  private wakesSinceSync = 0
  private outageIndex = 0
  private readonly startAt: number

  constructor(spec: DeviceSpec, seed: number, startAt: number) {
    super()
    this.spec = spec
    this.id = spec.id
    this.startAt = startAt
    this.bootBase = Math.floor(startAt / 1000)
    this.encoder = encoders[spec.dialect]
    sharedInput ??= { deviceId: spec.id, profile: spec.profile, seq: 0, boot: 0, deviceTime: 0, utcOffsetMinutes: 0, values: [], battery: undefined, rssi: undefined }
    this.input = sharedInput
    this.rng = createRng(seed, 'device', spec.id)
    this.sensor = new SensorModel(spec.profile, createRng(seed, 'unit', spec.id), createRng(seed, 'sensor', spec.id), startAt)
    const skewRng = createRng(seed, 'chaos-clock', spec.id)
    const skew = spec.chaos.clockSkewMs > 0 ? Math.round(skewRng.uniform(-spec.chaos.clockSkewMs, spec.chaos.clockSkewMs)) : 0
    // §4.6 Modelling: awake N(0, 5 ppm); deep sleep N(+7000, 3000) ppm
    this.clock = new DeviceClock(5 * this.rng.normal(), 7000 + 3000 * this.rng.normal(), skew)
    this.wifi = new WifiLink(createRng(seed, 'wifi', spec.id), spec.chaos.disconnectsPerHour)
    this.battery = spec.power === 'mains' ? null : new Battery(spec.batteryMah, createRng(seed, 'battery', spec.id))
    this.chaos = new ChaosStage(spec.chaos, createRng(seed, 'chaos', spec.id))
    this.outbox = spec.client.outboxExpiryMs !== null && spec.qos === 1 ? new EspOutbox(spec.client.outboxExpiryMs) : null
    this.scheduleOutage()
    // power-on staggered over the first reporting interval (at most 10 s) so a fleet does not
    // connect in one burst; deep sleepers wake anywhere in their first interval
    const stagger = spec.power === 'deep-sleep' ? spec.intervalMs : Math.min(spec.intervalMs, 10_000)
    this.powerOn(startAt + Math.floor(this.rng.uniform(0, stagger)))
  }

  private scheduleOutage(): void {
    const o = this.spec.chaos.outages[this.outageIndex]
    this.outageAt = o ? this.startAt + o.start : Number.POSITIVE_INFINITY
  }

  private outageEnd(t: number): number {
    for (const o of this.spec.chaos.outages) if (t >= this.startAt + o.start && t < this.startAt + o.end) return this.startAt + o.end
    return t
  }

  private updateNext(): void {
    this.nextAt =
      this.phase === 'dead' ? Number.POSITIVE_INFINITY : Math.min(this.rebootAt, this.outageAt, this.dropAt, this.linkAt, this.ntpAt, this.reportAt)
  }

  private powerOn(t: number): void {
    this.boot++
    this.counters.boots++
    this.seq = 0
    this.clock.powerOn(t)
    if (this.boot > 0) this.sensor.powerCycle()
    this.wakesSinceSync = DEEP_SLEEP_SYNC_EVERY
    this.wake(t)
    if (this.spec.power !== 'deep-sleep') this.rebootAt = t + Math.round(this.rng.exponential(86_400_000 / REBOOTS_PER_DAY))
  }

  private wake(t: number): void {
    this.phase = 'booting'
    this.wakeAt = t
    this.linkAt = Math.max(t + this.wifi.bootConnectDelay(), this.outageEnd(t))
    this.reportAt = Number.POSITIVE_INFINITY
    this.dropAt = Number.POSITIVE_INFINITY
    this.ntpAt = Number.POSITIVE_INFINITY
    this.updateNext()
  }

  /** Processes this device's earliest due event; the engine calls it in global time order. */
  step(out: DeviceOutput): void {
    const t = this.nextAt
    if (t === this.rebootAt) this.onReboot(t, out)
    else if (t === this.outageAt) this.onOutage(t, out)
    else if (t === this.dropAt) this.onDrop(t, out)
    else if (t === this.linkAt) this.onLink(t, out)
    else if (t === this.ntpAt) this.onNtp(t)
    else if (t === this.reportAt) this.onReport(t, out)
    this.updateNext()
  }

  private goDown(t: number, out: DeviceOutput, graceful: boolean): void {
    if (this.phase === 'online') {
      this.chaos.flush(t, (r) => this.emit(r, out))
      out.session({ deviceId: this.id, at: t, state: 'down', graceful })
    }
  }

  private onReboot(t: number, out: DeviceOutput): void {
    this.goDown(t, out, false)
    this.powerOn(t)
  }

  private onOutage(t: number, out: DeviceOutput): void {
    const end = this.outageEnd(t)
    this.outageIndex++
    this.scheduleOutage()
    if (this.phase === 'online') this.loseLink(t, out, end)
    else if (this.phase === 'booting' || this.phase === 'offline') this.linkAt = Math.max(this.linkAt, end + this.wifi.reconnectDelay())
  }

  private onDrop(t: number, out: DeviceOutput): void {
    this.loseLink(t, out, t)
  }

  private loseLink(t: number, out: DeviceOutput, notBefore: number): void {
    this.counters.wifiDrops++
    this.goDown(t, out, false)
    this.phase = 'offline'
    this.dropAt = Number.POSITIVE_INFINITY
    this.ntpAt = Number.POSITIVE_INFINITY
    this.linkAt = notBefore + this.wifi.reconnectDelay()
  }

  private onLink(t: number, out: DeviceOutput): void {
    if (this.phase === 'sleeping') {
      this.clock.setSleeping(t, false)
      this.wake(t)
      return
    }
    this.phase = 'online'
    this.linkAt = Number.POSITIVE_INFINITY
    out.session({ deviceId: this.id, at: t, state: 'up', graceful: true })
    // the firmware announces itself on every connect: a retained `online` over the Will's `offline`
    this.emit(this.statusRecord(t), out)
    if (this.outbox) {
      const { kept, expired } = this.outbox.drain(t)
      this.counters.expired += expired
      for (const r of kept) this.sendTelemetry({ ...r, publishedAt: t }, out)
    }
    const ntpDelay = Math.round(this.rng.uniform(500, 3000)) // estimate: one SNTP round trip after DHCP
    if (this.spec.power === 'deep-sleep') {
      this.wakesSinceSync++
      const due = this.wakesSinceSync >= DEEP_SLEEP_SYNC_EVERY || !this.clock.synced
      this.ntpAt = due ? t + ntpDelay : Number.POSITIVE_INFINITY
      this.reportAt = t + (due ? ntpDelay + 10 : 50)
    } else {
      if (!this.clock.synced) this.ntpAt = t + ntpDelay
      // naive firmware reads and publishes right after connecting, before SNTP has answered, so
      // the first reading of every boot carries a 1970 timestamp (§4.6)
      if (this.reportAt === Number.POSITIVE_INFINITY) this.reportAt = t + 100
      this.dropAt = t + this.wifi.nextDropIn()
    }
  }

  private onNtp(t: number): void {
    if (this.phase !== 'online') {
      this.ntpAt = Number.POSITIVE_INFINITY
      return
    }
    if (this.rng.chance(NTP_SUCCESS)) {
      this.clock.sync(t)
      this.wakesSinceSync = 0
      this.ntpAt = this.spec.power === 'deep-sleep' ? Number.POSITIVE_INFINITY : t + NTP_RESYNC_MS
    } else this.ntpAt = this.spec.power === 'deep-sleep' ? Number.POSITIVE_INFINITY : t + NTP_RETRY_MS
  }

  private statusRecord(t: number): PublishRecord {
    return {
      publishedAt: t,
      deviceId: this.id,
      kind: 'status',
      topic: this.encoder.statusTopic(this.id),
      qos: this.spec.qos,
      retain: true,
      payload: this.encoder.online,
      reading: null,
      chaos: null,
    }
  }

  private emit(r: PublishRecord, out: DeviceOutput): void {
    this.counters.published++
    out.publish(r)
  }

  private sendTelemetry(r: PublishRecord, out: DeviceOutput): void {
    if (this.chaos.active) this.chaos.process(r, (x) => this.emit(x, out))
    else this.emit(r, out)
  }

  private onReport(t: number, out: DeviceOutput): void {
    const spec = this.spec
    const unplugged = spec.unplugged.length > 0 && spec.unplugged.some((e) => t >= e.start && t < e.end)
    const read = this.sensor.read(t, spec.env.truthAt(t), unplugged)
    this.counters.reads++
    const load = spec.power === 'deep-sleep' ? AWAKE_MA : ALWAYS_ON_MA
    const battery = this.battery ? this.battery.reportedVolts(load) : undefined
    const rssi = this.wifi.sampleRssi()
    const deviceTime = this.clock.now(t)
    const boot = this.bootBase + this.boot
    const input = this.input
    input.deviceId = this.id
    input.profile = spec.profile
    input.utcOffsetMinutes = spec.env.site.utcOffsetMinutes
    input.seq = this.seq + 1
    input.boot = boot
    input.deviceTime = deviceTime
    input.values = read.values
    input.battery = battery
    input.rssi = rssi
    const bytes = this.encoder.bytes
    if (bytes !== undefined && out.telemetry !== undefined && this.phase === 'online' && !this.chaos.active) {
      this.reportFast(t, read.fault, bytes, out)
      this.afterReport(t, out)
      return
    }
    const messages = this.encoder.encode(input)
    if (messages.length === 0) this.counters.skippedFailedReads++
    else this.seq++
    for (const m of messages) {
      const reading: DecodedReading = {
        seq: this.seq,
        boot,
        eventTime: deviceTime,
        sampledAt: t,
        sensor: spec.profile.id,
        dialect: spec.dialect,
        metrics: m.metrics,
        battery,
        rssi,
        fault: read.fault,
        metricsJson: m.metricsJson,
      }
      const rec: PublishRecord = {
        publishedAt: t,
        deviceId: this.id,
        kind: 'telemetry',
        topic: m.topic,
        qos: spec.qos,
        retain: false,
        payload: m.payload,
        reading,
        chaos: null,
        payloadJson: m.payloadJson,
        payloadJsonOf: m.payload,
      }
      if (!fitsPacket(spec.client, m.topic, m.payload)) this.counters.oversize++
      else if (this.phase === 'online') this.sendTelemetry(rec, out)
      else if (this.outbox) this.outbox.push(t, rec)
      else this.counters.droppedOffline++
    }
    this.afterReport(t, out)
  }

  /**
   * The loop of onReport for one message of an online device without chaos, without building the
   * message: the same counters, seq and packet-size check, then the output writes the line itself.
   */
  private reportFast(t: number, fault: string | null, bytes: DialectBytes, out: DeviceOutput): void {
    // kept small, and the first-use set-up out of line: the engine's loop inlines this path, and a
    // larger body crowded the sensor model out of the compiler's inlining budget
    const parts = this.parts ?? this.makeParts(bytes)
    const line = this.line
    if (line !== null && line.load(this.input)) {
      // the same counters, seq and packet check as reportParts, for a reading the template writes
      this.seq++
      if (!this.lineAlwaysFits && 5 + 2 + this.topicBytes + line.payloadBytes() > this.spec.client.maxPacketBytes) {
        this.counters.oversize++
        return
      }
      const v = (sharedView ??= newView(this.input, bytes, parts))
      v.publishedAt = t
      v.fault = fault
      v.bytes = bytes
      v.parts = parts
      v.line = line
      this.counters.published++
      out.telemetry?.(v)
      return
    }
    this.reportParts(t, fault, bytes, parts, out)
  }

  /** The constant pieces of this device's fast-path lines, and its line template, on first use. */
  private makeParts(bytes: DialectBytes): LineParts {
    const spec = this.spec
    const topic = bytes.topic(this.id)
    this.topicBytes = Buffer.byteLength(topic)
    const parts = lineParts(this.id, topic, spec.qos, spec.profile.id, spec.dialect)
    this.parts = parts
    const line =
      bytes.line?.({
        deviceId: this.id,
        topic,
        qos: spec.qos,
        profile: spec.profile,
        hasBattery: this.battery !== null,
        hasRssi: true,
        head: headText(this.id, topic, spec.qos),
        sensor: sensorText(spec.profile.id, spec.dialect),
      }) ?? null
    this.line = line
    this.lineAlwaysFits = line !== null && 5 + 2 + this.topicBytes + line.maxPayloadBytes <= spec.client.maxPacketBytes
    return parts
  }

  /** reportFast for a reading without a template: the line is written from the parts. */
  private reportParts(t: number, fault: string | null, bytes: DialectBytes, parts: LineParts, out: DeviceOutput): void {
    const v = (sharedView ??= newView(this.input, bytes, parts))
    v.line = null
    const payloadBytes = bytes.prepare(this.input, v.texts)
    if (payloadBytes < 0) {
      this.counters.skippedFailedReads++
      return
    }
    this.seq++
    // fitsPacket: 5 header + 2 topic length + topic + payload bytes
    if (5 + 2 + this.topicBytes + payloadBytes > this.spec.client.maxPacketBytes) {
      this.counters.oversize++
      return
    }
    v.publishedAt = t
    v.fault = fault
    v.bytes = bytes
    v.parts = parts
    this.counters.published++
    out.telemetry?.(v)
  }

  private afterReport(t: number, out: DeviceOutput): void {
    const spec = this.spec
    if (spec.power !== 'deep-sleep') {
      this.battery?.drain(ALWAYS_ON_MA, spec.intervalMs)
      this.reportAt = t + this.clock.trueDuration(spec.intervalMs, false)
    } else {
      const awake = t - this.wakeAt
      this.battery?.drain(AWAKE_MA, awake)
      this.goDown(t, out, true)
      this.phase = 'sleeping'
      this.reportAt = Number.POSITIVE_INFINITY
      this.ntpAt = Number.POSITIVE_INFINITY
      this.clock.setSleeping(t, true)
      const sleepMs = Math.max(1000, spec.intervalMs - awake)
      this.battery?.drain(DEEP_SLEEP_MA, sleepMs)
      this.linkAt = t + this.clock.trueDuration(sleepMs, true)
    }
    if (this.battery && this.battery.terminalVolts(spec.power === 'deep-sleep' ? AWAKE_MA : ALWAYS_ON_MA) < BROWN_OUT_V) {
      this.goDown(t, out, false)
      this.phase = 'dead'
      this.counters.batteryDead = true
    }
  }
}
