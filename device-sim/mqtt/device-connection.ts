// One device's real MQTT session (MQTT 3.1.1, clientId = deviceId, clean session, Last Will
// `offline` retained). The simulated device decides when the link is up; this class follows it on
// the wire and reconnects with backoff when the broker itself is the problem. Messages made while
// the real connection is still opening wait in a queue; QoS 0 ones are dropped if it fails
// (PubSubClient has no outbox), QoS 1 ones wait until they are older than the esp-mqtt expiry.
import type { PublishRecord } from '../engine/publish-record.ts'
import { reconnectDelayMs } from './backoff.ts'
import { LeanMqttClient } from './lean-client.ts'
import type { ConnectionInfo, TransportCounters, TransportOptions } from './transport-types.ts'

export interface ConnectGate {
  acquire(): Promise<void>
  release(): void
}

/** wall ms a graceful disconnect waits for outstanding PUBACKs */
const DRAIN_ON_DISCONNECT_MS = 5000

export class DeviceConnection {
  private readonly info: ConnectionInfo
  private readonly opts: TransportOptions & { host: string; port: number }
  private readonly counters: TransportCounters
  private readonly gate: ConnectGate
  private client: LeanMqttClient | null = null
  private connected = false
  private want = false
  private attempt = 0
  private retryTimer: NodeJS.Timeout | null = null
  private queue: { at: number; r: PublishRecord }[] | null = null
  /** a graceful down arrived while still connecting: send what is queued, then DISCONNECT */
  private endAfterFlush = false
  /** waiting for the connect gate: no client object yet */
  private opening = false
  inflight = 0

  constructor(info: ConnectionInfo, opts: TransportOptions & { host: string; port: number }, counters: TransportCounters, gate: ConnectGate) {
    this.info = info
    this.opts = opts
    this.counters = counters
    this.gate = gate
  }

  up(): void {
    this.want = true
    this.endAfterFlush = false
    if (this.client === null && this.retryTimer === null && !this.opening) void this.open()
  }

  /** graceful: DISCONNECT first (no Will); otherwise the socket just dies and the Will fires. */
  down(graceful: boolean): void {
    this.want = false
    if (graceful && !this.connected && (this.client || this.opening) && this.queue) {
      // at high --speed a deep sleeper's whole wake can be shorter than a real TCP connect
      this.endAfterFlush = true
      return
    }
    this.stopRetry()
    this.dropQueue()
    const c = this.client
    this.client = null
    this.setConnected(false)
    if (!c) return
    if (graceful) void c.end(DRAIN_ON_DISCONNECT_MS)
    else c.destroy('link lost (simulated)')
  }

  publish(r: PublishRecord): void {
    if (this.connected && this.client) this.send(this.client, r)
    else if (this.want) (this.queue ??= []).push({ at: performance.now(), r })
    else this.counters.failed++
  }

  private stopRetry(): void {
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  private setConnected(v: boolean): void {
    if (v === this.connected) return
    this.connected = v
    this.counters.connected += v ? 1 : -1
  }

  private send(c: LeanMqttClient, r: PublishRecord): void {
    this.counters.published++
    this.inflight++
    c.publish(r.topic, r.payload, r.qos, r.retain, (err) => {
      this.inflight--
      if (err) this.counters.failed++
      else if (r.qos === 1) {
        this.counters.acknowledged++
        this.opts.onAck?.(r)
      }
    })
  }

  private dropQueue(): void {
    this.counters.failed += this.queue?.length ?? 0
    this.queue = null
  }

  private async open(): Promise<void> {
    this.opening = true
    await this.gate.acquire()
    this.opening = false
    if (!this.want && !this.endAfterFlush) {
      this.gate.release()
      return
    }
    const { info, opts } = this
    let released = false
    const release = (): void => {
      if (!released) this.gate.release()
      released = true
    }
    const c: LeanMqttClient = new LeanMqttClient(
      {
        host: opts.host,
        port: opts.port,
        clientId: info.clientId,
        username: opts.username === '' ? info.clientId : opts.username,
        ...(opts.password === '' ? {} : { password: opts.password }),
        keepaliveS: info.keepaliveS,
        connectTimeoutMs: opts.connectTimeoutMs,
        ...(info.will ? { will: { ...info.will, retain: true } } : {}),
      },
      {
        onConnect: () => {
          release()
          if (this.client !== c) return
          this.counters.connects++
          this.attempt = 0
          this.setConnected(true)
          const q = this.queue ?? []
          this.queue = null
          const expiry = info.outboxExpiryMs === null ? Number.POSITIVE_INFINITY : info.outboxExpiryMs / opts.speed
          const now = performance.now()
          for (const { at, r } of q) {
            if (now - at > expiry) this.counters.failed++
            else this.send(c, r)
          }
          if (this.endAfterFlush && !this.want) {
            this.endAfterFlush = false
            this.client = null
            this.setConnected(false)
            void c.end(DRAIN_ON_DISCONNECT_MS)
          }
        },
        onClose: () => {
          release()
          if (this.client !== c) return
          if (!this.connected) this.counters.connectFailures++
          this.setConnected(false)
          this.client = null
          // a lost link loses what PubSubClient had not sent; QoS 1 waits for the reconnect
          const kept = (this.queue ?? []).filter((x) => x.r.qos === 1)
          this.counters.failed += (this.queue?.length ?? 0) - kept.length
          this.queue = kept.length > 0 ? kept : null
          if (!this.want) return
          const delay = reconnectDelayMs(info.reconnectMs, this.attempt++, opts.speed, info.jitter)
          this.retryTimer = setTimeout(() => {
            this.retryTimer = null
            if (this.want) void this.open()
          }, delay)
        },
      },
    )
    this.client = c
  }

  /** Ends for good at shutdown, gracefully. */
  close(): Promise<void> {
    this.want = false
    this.stopRetry()
    this.dropQueue()
    const c = this.client
    this.client = null
    this.setConnected(false)
    return c ? c.end(DRAIN_ON_DISCONNECT_MS) : Promise.resolve()
  }
}
