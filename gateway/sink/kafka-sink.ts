// Records → Kafka with acks=all (-1), key = deviceId, batched across devices: writes that arrive
// within `lingerMs` share one produce request (kafka-client/durable-send.ts), up to `maxInFlightBatches` at once.
// `write` resolves only once Kafka acknowledged every record of it (B.1: acks=all means the
// in-sync replicas have it). Each request is raced against our own timeout (kafkajs retries
// internally), and the number of records queued for Kafka is bounded (kafkajs has no bounded
// buffer): a write that does not fit waits for room — its socket is not read meanwhile, TCP
// backpressure to the device — and fails only if a send fails (Kafka not taking records).
import type { Admin, Kafka, Message, Producer } from 'kafkajs'
import { createDurableSender, type DurableSend } from '../../kafka-client/durable-send.ts'
import type { Clock } from '../clock.ts'
import { AppError, isAppError } from '../errors.ts'
import type { Histogram } from '../health/metrics.ts'
import type { SinkRecord, SinkStatus, Stream, TelemetrySink } from './telemetry-sink.ts'
import { Fifo } from './fifo.ts'
import { withTimeout } from './with-timeout.ts'

export interface KafkaSinkOptions {
  kafka: Kafka
  topics: Readonly<Record<Stream, string>>
  clock: Clock
  sendTimeoutMs: number
  lingerMs: number
  maxBatchRecords: number
  maxInFlightBatches: number
  maxPendingRecords: number
  /** while disconnected, try to (re)connect this often, ms */
  reconnectMs?: number
  ackLatency?: Pick<Histogram, 'observe'>
}

interface Pending {
  records: readonly SinkRecord[]
  at: number
  resolve: () => void
  reject: (e: Error) => void
}

export class KafkaSink implements TelemetrySink {
  readonly #o: KafkaSinkOptions
  readonly #producer: Producer
  readonly #queue = new Fifo<Pending>()
  #queued = 0
  /** writes that did not fit under maxPendingRecords, oldest first; admitted as sends complete */
  readonly #waiting = new Fifo<Pending>()
  #inFlight = 0
  #inFlightRecords = 0
  #scheduled = false
  #connected = false
  #connecting: Promise<void> | null = null
  #lastSendOk = true
  #closed = false
  #reconnectTimer: unknown = null
  #admin: Admin | null = null
  #durableSend: DurableSend | null = null
  readonly #underlying = new Set<Promise<void>>()
  readonly #idle = new Set<() => void>()

  constructor(opts: KafkaSinkOptions) {
    this.#o = opts
    // Not idempotent: a producer session ends with the process anyway (B.1), so downstream dedups by
    // (deviceId, boot, seq); this also avoids kafkajs' experimental idempotent mode (#598).
    this.#producer = opts.kafka.producer({ allowAutoTopicCreation: false, idempotent: false, retry: { retries: 5, initialRetryTime: 100, maxRetryTime: 1_000 } })
    this.#producer.on(this.#producer.events.CONNECT, () => (this.#connected = true))
    this.#producer.on(this.#producer.events.DISCONNECT, () => (this.#connected = false))
  }

  /** Try to connect once within the send timeout; on failure keep retrying in the background. */
  async start(): Promise<boolean> {
    try {
      await this.#ensureConnected()
      return true
    } catch {
      this.#scheduleReconnect()
      return false
    }
  }

  get kafkaReachable(): boolean {
    return this.#connected && this.#lastSendOk
  }

  status(): SinkStatus {
    return { accepting: this.kafkaReachable && !this.#closed, kafkaReachable: this.kafkaReachable, spoolBytes: 0, spoolLimitBytes: 0 }
  }

  write(records: readonly SinkRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new AppError('GW_ERR_SINK_CLOSED', 'sink closed'))
    if (records.length === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const p: Pending = { records, at: this.#o.clock.now(), resolve, reject }
      // Over the bound, a write waits instead of failing: failing a publish disconnects its device
      // (and a QoS 0 burst read in one socket chunk would lose the whole chunk), while waiting only
      // stops reading that socket until Kafka catches up. Memory stays bounded by what aedes has
      // parsed: about two read batches per connection (limits/guarded-stream.ts, aedes nextBatch).
      if (this.#waiting.length > 0 || !this.#fits(records.length)) {
        this.#waiting.push(p)
        return
      }
      this.#enqueue(p)
    })
  }

  /** A single write larger than the bound is let through alone rather than waiting for ever. */
  #fits(n: number): boolean {
    const pending = this.#queued + this.#inFlightRecords
    return pending === 0 || pending + n <= this.#o.maxPendingRecords
  }

  #enqueue(p: Pending): void {
    this.#queue.push(p)
    this.#queued += p.records.length
    this.#schedule()
  }

  #admitWaiting(): void {
    while (this.#waiting.length > 0 && this.#fits((this.#waiting.peek() as Pending).records.length)) {
      const p = this.#waiting.shift() as Pending
      // The send budget starts now: waiting for room is waiting for sends that do complete.
      p.at = this.#o.clock.now()
      this.#enqueue(p)
    }
  }

  #notifyIfIdle(): void {
    if (this.#inFlight === 0 && this.#queue.length === 0 && this.#waiting.length === 0) for (const f of this.#idle) f()
  }

  #schedule(): void {
    if (this.#scheduled || this.#inFlight >= this.#o.maxInFlightBatches) return
    this.#scheduled = true
    const run = (): void => {
      this.#scheduled = false
      this.#flush()
    }
    if (this.#o.lingerMs > 0) this.#o.clock.setTimeout(run, this.#o.lingerMs)
    else setImmediate(run)
  }

  #flush(): void {
    while (this.#queue.length > 0 && this.#inFlight < this.#o.maxInFlightBatches) {
      const batch: Pending[] = []
      let n = 0
      while (this.#queue.length > 0 && (n === 0 || n + (this.#queue.peek() as Pending).records.length <= this.#o.maxBatchRecords)) {
        const p = this.#queue.shift() as Pending
        batch.push(p)
        n += p.records.length
      }
      this.#queued -= n
      void this.#send(batch, n)
    }
  }

  async #send(batch: Pending[], n: number): Promise<void> {
    this.#inFlight++
    this.#inFlightRecords += n
    const start = this.#o.clock.now()
    // The oldest write has already waited in the queue; the budget is per write, not per request.
    const budget = Math.max(50, this.#o.sendTimeoutMs - (start - (batch[0] as Pending).at))
    try {
      await withTimeout(this.#produce(batch), budget, this.#o.clock, 'Kafka send')
      this.#lastSendOk = true
      this.#o.ackLatency?.observe((this.#o.clock.now() - start) / 1000)
      for (const p of batch) p.resolve()
    } catch (err) {
      this.#lastSendOk = false
      // Retriable whatever kafkajs says: when Kafka stays down, kafkajs ends with the
      // non-retriable KafkaJSNumberOfRetriesExceeded, yet for us it is "not durable yet".
      const e = isAppError(err) ? err : new AppError('GW_ERR_KAFKA_SEND', `Kafka send failed: ${(err as Error).message}`, { cause: err, retriable: true })
      for (const p of batch) p.reject(e)
      // Kafka is not taking records: writes waiting for room fail with this batch instead of
      // holding their sockets (with a spool configured they go to disk now).
      while (this.#waiting.length > 0) (this.#waiting.shift() as Pending).reject(e)
      this.#scheduleReconnect()
    } finally {
      this.#inFlight--
      this.#inFlightRecords -= n
      this.#admitWaiting()
      if (this.#queue.length > 0) this.#schedule()
      this.#notifyIfIdle()
    }
  }

  async #produce(batch: Pending[]): Promise<void> {
    await this.#ensureConnected()
    const byTopic = new Map<string, Message[]>()
    for (const p of batch) {
      for (const r of p.records) {
        const topic = this.#o.topics[r.stream]
        let list = byTopic.get(topic)
        if (!list) byTopic.set(topic, (list = []))
        list.push({ key: r.key, value: r.value })
      }
    }
    // One produce request for the whole batch, each partition's acknowledgement checked, a partition
    // a failed-over leader left out re-sent on its own (kafka-client/durable-send.ts, KafkaJS #1303).
    const send = this.#connectAdmin().then((admin) => {
      this.#durableSend ??= createDurableSender({ producer: this.#producer, admin, ackTimeoutMs: this.#o.sendTimeoutMs })
      return this.#durableSend([...byTopic].map(([topic, messages]) => ({ topic, messages })))
    })
    // may settle after our timeout fired; close() waits for stragglers before disconnecting
    const settled = send.then(
      () => {},
      () => {},
    )
    this.#underlying.add(settled)
    void settled.finally(() => this.#underlying.delete(settled))
    await send
  }

  async #probe(): Promise<void> {
    await this.#ensureConnected()
    const admin = await this.#connectAdmin()
    await admin.fetchTopicMetadata({ topics: [this.#o.topics.readings] })
  }

  /** The admin client tells the durable sender each topic's partition count. */
  async #connectAdmin(): Promise<Admin> {
    this.#admin ??= this.#o.kafka.admin()
    await this.#admin.connect()
    return this.#admin
  }

  #ensureConnected(): Promise<void> {
    if (this.#connected) return Promise.resolve()
    if (!this.#connecting) {
      const attempt = this.#producer.connect()
      attempt.catch(() => {})
      this.#connecting = withTimeout(attempt, this.#o.sendTimeoutMs, this.#o.clock, 'Kafka connect').finally(() => (this.#connecting = null))
    }
    return this.#connecting
  }

  #scheduleReconnect(): void {
    if (this.#reconnectTimer || this.#closed) return
    const tick = (): void => {
      this.#reconnectTimer = null
      if (this.#closed || this.kafkaReachable) return
      // A failed send leaves #lastSendOk false; a metadata round trip to the brokers proves Kafka back.
      withTimeout(this.#probe(), this.#o.sendTimeoutMs, this.#o.clock, 'Kafka probe')
        .then(
          () => (this.#lastSendOk = true),
          () => this.#scheduleReconnect(),
        )
    }
    const t = this.#o.clock.setTimeout(tick, this.#o.reconnectMs ?? 1_000)
    ;(t as { unref?: () => void }).unref?.()
    this.#reconnectTimer = t
  }

  /** Let queued and in-flight sends finish (or time out), then disconnect. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#inFlight > 0 || this.#queue.length > 0 || this.#waiting.length > 0) {
      this.#flush()
      await new Promise<void>((resolve) => this.#idle.add(resolve))
    }
    if (this.#reconnectTimer) this.#o.clock.clearTimeout(this.#reconnectTimer)
    // kafkajs keeps retrying a timed-out send and would reopen a connection after disconnect
    if (this.#underlying.size > 0) {
      let t: unknown
      await Promise.race([Promise.allSettled([...this.#underlying]), new Promise((r) => (t = this.#o.clock.setTimeout(() => r(null), this.#o.sendTimeoutMs * 2)))])
      this.#o.clock.clearTimeout(t)
    }
    await this.#producer.disconnect().catch(() => {})
    await this.#admin?.disconnect().catch(() => {})
  }
}
