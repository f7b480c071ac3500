// A minimal MQTT 3.1.1 client for one simulated device: CONNECT (clean session, credentials,
// Will), PUBLISH QoS 0/1 with PUBACK tracking, PINGREQ keepalive and DISCONNECT. MQTT.js spends
// ≈15 KB of heap per idle client; this one ≈4 KB, which is what lets one process hold 10 000
// device sessions (issue 3 benchmark). Packets are built by mqtt-packet; the three a publish-only
// client receives are read by FrameReader.
import { connect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { FrameReader, type Frame } from './frame-reader.ts'

export interface LeanClientOptions {
  host: string
  port: number
  clientId: string
  username?: string
  password?: string
  keepaliveS: number
  connectTimeoutMs: number
  will?: { topic: string; payload: string; qos: 0 | 1; retain: boolean }
}

export interface LeanClientEvents {
  onConnect(): void
  /** the session ended; `reason` says why when it was not asked for */
  onClose(reason: string | null): void
}

type Done = (err: Error | null) => void

const CLOSED = new Error('connection closed')

export class LeanMqttClient {
  private readonly socket: Socket
  private readonly events: LeanClientEvents
  private readonly keepaliveMs: number
  private inflight: Map<number, Done> | null = null
  private nextId = 1
  private lastSent = 0
  private pingOutstanding = false
  private timer: NodeJS.Timeout | null
  private connected = false
  private closed = false
  private graceful = false
  private drained: (() => void) | null = null

  constructor(o: LeanClientOptions, events: LeanClientEvents) {
    this.events = events
    this.keepaliveMs = o.keepaliveS * 1000
    const reader = new FrameReader()
    const s = connect({ host: o.host, port: o.port })
    this.socket = s
    s.setNoDelay(true)
    this.timer = setTimeout(() => this.destroy(`no CONNACK within ${o.connectTimeoutMs} ms`), o.connectTimeoutMs)
    s.on('connect', () => {
      this.write(
        mqttPacket.generate({
          cmd: 'connect',
          protocolId: 'MQTT',
          protocolVersion: 4,
          clean: true, // [MQTT-3.1.2-6] both PubSubClient and esp-mqtt default to a clean session
          clientId: o.clientId,
          keepalive: o.keepaliveS,
          ...(o.username === undefined ? {} : { username: o.username }),
          ...(o.password === undefined ? {} : { password: Buffer.from(o.password) }),
          ...(o.will ? { will: { topic: o.will.topic, payload: Buffer.from(o.will.payload), qos: o.will.qos, retain: o.will.retain } } : {}),
        }),
      )
    })
    s.on('data', (d) => {
      try {
        for (const f of reader.push(d)) this.onFrame(f)
      } catch (e) {
        this.destroy(`protocol error: ${(e as Error).message}`)
      }
    })
    s.on('error', (e) => this.destroy(e.message))
    s.on('close', () => this.finish(this.graceful ? null : 'connection lost'))
  }

  get isConnected(): boolean {
    return this.connected
  }

  get pending(): number {
    return this.inflight?.size ?? 0
  }

  private write(b: Buffer, cb?: (err?: Error | null) => void): void {
    this.lastSent = performance.now()
    this.socket.write(b, cb)
  }

  private onFrame(f: Frame): void {
    switch (f.type) {
      case 2: {
        // CONNACK: flags, return code [MQTT-3.2.2]
        if (this.timer) clearTimeout(this.timer)
        const code = f.body[1] ?? 255
        if (code !== 0) {
          this.destroy(`CONNACK refused, return code ${code}`)
          return
        }
        this.connected = true
        this.startKeepalive()
        this.events.onConnect()
        break
      }
      case 4: {
        // PUBACK: packet identifier [MQTT-3.4.2]
        const id = f.body.length >= 2 ? f.body.readUInt16BE(0) : -1
        const done = this.inflight?.get(id)
        if (done) {
          this.inflight?.delete(id)
          done(null)
          if (this.drained && this.pending === 0) this.drained()
        }
        break
      }
      case 13: // PINGRESP
        this.pingOutstanding = false
        break
      default:
        break
    }
  }

  /** PubSubClient's rule (sensors.md §4.1): PINGREQ after keepalive of silence; no answer by the next one ends the session. */
  private startKeepalive(): void {
    if (this.keepaliveMs <= 0) return
    this.timer = setInterval(() => {
      if (this.pingOutstanding) {
        this.destroy('keepalive timeout')
        return
      }
      if (performance.now() - this.lastSent >= this.keepaliveMs / 2) {
        this.pingOutstanding = true
        this.write(mqttPacket.generate({ cmd: 'pingreq' }))
      }
    }, this.keepaliveMs / 2)
    this.timer.unref()
  }

  publish(topic: string, payload: string, qos: 0 | 1, retain: boolean, done: Done): void {
    if (!this.connected || this.closed) {
      done(CLOSED)
      return
    }
    if (qos === 0) {
      this.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 0, retain, dup: false }), (err) => done(err ?? null))
      return
    }
    const id = this.nextId
    this.nextId = id === 65_535 ? 1 : id + 1
    this.inflight ??= new Map()
    this.inflight.set(id, done)
    this.write(mqttPacket.generate({ cmd: 'publish', topic, payload, qos: 1, retain, dup: false, messageId: id }))
  }

  /** Graceful: waits (up to waitMs) for outstanding PUBACKs, then DISCONNECT, so no Will fires. */
  end(waitMs: number): Promise<void> {
    if (this.closed) return Promise.resolve()
    return new Promise((resolve) => {
      let t: NodeJS.Timeout | null = null
      const go = (): void => {
        if (t) clearTimeout(t)
        this.drained = null
        this.graceful = true
        if (this.closed) {
          resolve()
          return
        }
        this.socket.once('close', () => resolve())
        // [MQTT-3.14.4-3] a DISCONNECT discards the Will
        if (this.connected) this.socket.end(mqttPacket.generate({ cmd: 'disconnect' }))
        else this.socket.destroy()
      }
      if (this.pending === 0) go()
      else {
        this.drained = go
        t = setTimeout(go, waitMs)
      }
    })
  }

  /** Abrupt: the socket just dies, as when Wi-Fi drops; the broker publishes the Will. */
  destroy(reason: string): void {
    if (this.closed) return
    this.socket.destroy()
    this.finish(reason)
  }

  private finish(reason: string | null): void {
    if (this.closed) return
    this.closed = true
    this.connected = false
    if (this.timer) {
      clearTimeout(this.timer)
      clearInterval(this.timer)
    }
    const inflight = this.inflight
    this.inflight = null
    if (inflight) for (const done of inflight.values()) done(CLOSED)
    this.events.onClose(reason)
  }
}
