// The Kafka sink on its own thread: the same contract as KafkaSink (write resolves only once Kafka
// acknowledged every record with acks=all; failures are retriable coded errors), with KafkaSink
// itself running in a worker (kafka-worker.ts). Writes made in one event-loop turn cross in one
// message; settlements come back the same way. If the thread dies, every write it held fails as
// retriable (not durable: no PUBACK, the device resends; with a spool they go to disk) and the
// sink stops accepting, so /ready fails and CONNECTs are refused — nothing is acknowledged unstored.
import { Worker } from 'node:worker_threads'
import type { Histogram } from '../health/metrics.ts'
import { AppError, GatewayErrorCodes, type GatewayErrorCode } from '../errors.ts'
import type { FromWorker, KafkaWorkerInit, ToWorker, WireError, WriteFrame } from './kafka-worker-protocol.ts'
import type { SinkRecord, SinkStatus, TelemetrySink } from './telemetry-sink.ts'
import { startTsWorker } from './ts-worker.ts'

export interface KafkaWorkerSinkOptions {
  init: KafkaWorkerInit
  ackLatency?: Pick<Histogram, 'observe'>
  /** called once if the thread fails or exits unasked */
  onThreadError?: (err: Error) => void
}

interface Pending {
  resolve: () => void
  reject: (e: Error) => void
}

const DOWN: SinkStatus = { accepting: false, kafkaReachable: false, spoolBytes: 0, spoolLimitBytes: 0 }

const toAppError = (w: WireError): AppError =>
  new AppError((GatewayErrorCodes as readonly string[]).includes(w.code) ? (w.code as GatewayErrorCode) : 'GW_ERR_KAFKA_SEND', w.message, { retriable: w.retriable })

export class KafkaWorkerSink implements TelemetrySink {
  readonly #o: KafkaWorkerSinkOptions
  readonly #worker: Worker
  readonly #pending = new Map<number, Pending>()
  #nextId = 1
  #frame: WriteFrame | null = null
  #status: SinkStatus = DOWN
  #closed = false
  #dead: AppError | null = null
  #started: Promise<boolean>
  #onClosed: (() => void) | null = null

  constructor(opts: KafkaWorkerSinkOptions) {
    this.#o = opts
    this.#worker = startTsWorker(new URL('./kafka-worker.ts', import.meta.url), opts.init)
    this.#started = new Promise<boolean>((resolve) => {
      this.#worker.on('message', (m: FromWorker) => {
        if (m.t === 'started') {
          this.#status = m.status
          resolve(m.up)
        } else if (m.t === 'settled') this.#settle(m)
        else if (m.t === 'status') this.#status = m.status
        else this.#onClosed?.()
      })
      this.#worker.once('error', (err) => this.#fail(err))
      this.#worker.once('exit', (code) => {
        const cause = new Error(`Kafka thread exited (code ${code})`)
        // An exit while closing ends the close too, even if the thread died before saying 'closed'
        // (then whatever it still held is failed, never left hanging).
        if (this.#onClosed) {
          this.#rejectPending(new AppError('GW_ERR_KAFKA_SEND', cause.message, { cause, retriable: true }))
          this.#onClosed()
        } else this.#fail(cause)
        resolve(false)
      })
    })
  }

  /** Resolves once the thread tried Kafka (true: connected); on false it keeps retrying in the background. */
  start(): Promise<boolean> {
    return this.#started
  }

  status(): SinkStatus {
    return this.#closed || this.#dead ? DOWN : this.#status
  }

  write(records: readonly SinkRecord[]): Promise<void> {
    if (this.#closed) return Promise.reject(new AppError('GW_ERR_SINK_CLOSED', 'sink closed'))
    if (this.#dead) return Promise.reject(this.#dead)
    if (records.length === 0) return Promise.resolve()
    return new Promise<void>((resolve, reject) => {
      const id = this.#nextId++
      this.#pending.set(id, { resolve, reject })
      let f = this.#frame
      if (!f) {
        f = this.#frame = { t: 'write', ids: [], sizes: [], streams: [], keys: [], values: [] }
        setImmediate(() => this.#post())
      }
      f.ids.push(id)
      f.sizes.push(records.length)
      for (const r of records) {
        f.streams.push(r.stream)
        f.keys.push(r.key)
        f.values.push(r.value)
      }
    })
  }

  #post(): void {
    const f = this.#frame
    this.#frame = null
    if (f && !this.#dead) this.#worker.postMessage(f satisfies ToWorker)
  }

  #settle(m: Extract<FromWorker, { t: 'settled' }>): void {
    this.#status = m.status
    for (const s of m.ackSeconds) this.#o.ackLatency?.observe(s)
    for (const id of m.ok) {
      const p = this.#pending.get(id)
      this.#pending.delete(id)
      p?.resolve()
    }
    for (const w of m.failed) {
      const p = this.#pending.get(w.id)
      this.#pending.delete(w.id)
      p?.reject(toAppError(w))
    }
  }

  #fail(cause: Error): void {
    if (this.#dead) return
    this.#dead = new AppError('GW_ERR_KAFKA_SEND', `Kafka thread failed: ${cause.message}`, { cause, retriable: true })
    this.#frame = null
    this.#rejectPending(this.#dead)
    this.#o.onThreadError?.(cause)
  }

  #rejectPending(e: AppError): void {
    for (const p of this.#pending.values()) p.reject(e)
    this.#pending.clear()
  }

  /** Let queued and in-flight sends finish (or time out) in the thread, then stop it. */
  async close(): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    if (this.#dead) return
    this.#post()
    const closed = new Promise<void>((resolve) => (this.#onClosed = resolve))
    this.#worker.postMessage({ t: 'close' } satisfies ToWorker)
    await closed
    await this.#worker.terminate()
  }
}
