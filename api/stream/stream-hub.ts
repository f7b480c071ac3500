// Fans poller events out to every connected /api/stream client. The poller runs only while at
// least one client is connected, one tick at a time (a slow Cassandra never stacks ticks).
import type { Logger } from 'pino'
import type { ApiMetrics } from '../http/metrics.ts'
import type { StreamEvent, StreamPoller } from './stream-poller.ts'

export interface StreamClient {
  send(event: string, data: unknown): void
  comment(text: string): void
  end(): void
}

export interface HubOptions {
  poller: StreamPoller
  pollIntervalMs: number
  heartbeatMs: number
  maxClients: number
  metrics: ApiMetrics
  log: Pick<Logger, 'warn' | 'info'>
}

export class StreamHub {
  readonly #o: HubOptions
  readonly #clients = new Set<StreamClient>()
  #timer: NodeJS.Timeout | undefined
  #heartbeat: NodeJS.Timeout | undefined
  #storeOk = true
  #running: Promise<void> | undefined
  #active = false

  constructor(o: HubOptions) {
    this.#o = o
  }

  get size(): number {
    return this.#clients.size
  }

  get full(): boolean {
    return this.#clients.size >= this.#o.maxClients
  }

  get polling(): boolean {
    return this.#active
  }

  add(c: StreamClient): void {
    this.#clients.add(c)
    this.#o.metrics.sseClients = this.#clients.size
    if (!this.#active) this.#start()
  }

  remove(c: StreamClient): void {
    this.#clients.delete(c)
    this.#o.metrics.sseClients = this.#clients.size
    if (this.#clients.size === 0) this.#stop()
  }

  broadcast(e: StreamEvent | { kind: 'status'; data: unknown }): void {
    this.#o.metrics.streamEvent(e.kind)
    for (const c of this.#clients) c.send(e.kind, e.data)
  }

  async close(): Promise<void> {
    this.#stop()
    for (const c of this.#clients) c.end()
    this.#clients.clear()
    this.#o.metrics.sseClients = 0
    await this.#running
  }

  #start(): void {
    this.#active = true
    this.#heartbeat ??= setInterval(() => {
      for (const c of this.#clients) c.comment('ping')
    }, this.#o.heartbeatMs)
    if (!this.#running && !this.#timer) this.#run()
  }

  #run(): void {
    this.#timer = undefined
    this.#running = this.#poll().finally(() => {
      this.#running = undefined
      if (this.#active) this.#timer = setTimeout(() => this.#run(), this.#o.pollIntervalMs)
    })
  }

  async #poll(): Promise<void> {
    try {
      const events = await this.#o.poller.tick()
      if (!this.#storeOk) this.broadcast({ kind: 'status', data: { store: 'ok' } })
      this.#storeOk = true
      for (const e of events) this.broadcast(e)
    } catch (err) {
      if (this.#storeOk) {
        this.#o.log.warn({ err }, 'stream poll failed')
        this.broadcast({ kind: 'status', data: { store: 'unavailable', reason: (err as Error).message.split('\n')[0] } })
      }
      this.#storeOk = false
    }
  }

  #stop(): void {
    this.#active = false
    clearTimeout(this.#timer)
    clearInterval(this.#heartbeat)
    this.#timer = undefined
    this.#heartbeat = undefined
  }
}
