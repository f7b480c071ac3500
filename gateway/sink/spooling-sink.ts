// Ack-after-durable with a spool: records go to Kafka (the primary sink) directly; when a send
// fails (Kafka unreachable, timeout), they are appended fsync'd to the spool instead and the write
// resolves — the PUBACK then means "on our disk". From that moment every new write goes to the
// spool too, so the spool replays in append order, until a replay loop has drained it into Kafka;
// then writes go direct again. When the spool is full the write fails: no PUBACK, devices resend.
// Spooled data from before a restart is replayed at start.
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import { isAppError } from '../errors.ts'
import type { GatewayMetrics } from '../health/gateway-metrics.ts'
import type { Spool } from './spool.ts'
import type { SinkRecord, SinkStatus, TelemetrySink, WriteResult } from './telemetry-sink.ts'

export interface SpoolingSinkOptions {
  primary: TelemetrySink
  spool: Spool
  clock: Clock
  replayRetryMs: number
  replayBatchRecords?: number
  metrics?: Pick<GatewayMetrics, 'spooled' | 'replayed'> & Partial<Pick<GatewayMetrics, 'pipeline'>>
  log?: Logger
}

export class SpoolingSink implements TelemetrySink {
  readonly #o: SpoolingSinkOptions
  #mode: 'direct' | 'spooling' = 'direct'
  #replaying: Promise<void> | null = null
  #closed = false
  /** spool size when an append was last refused; accepting again once replay shrank it */
  #fullAt = Infinity

  constructor(o: SpoolingSinkOptions) {
    this.#o = o
    if (!o.spool.isEmpty()) {
      this.#enterSpooling('spool not empty at start')
      this.#startReplay()
    }
  }

  get mode(): 'direct' | 'spooling' {
    return this.#mode
  }

  async write(records: readonly SinkRecord[]): Promise<WriteResult> {
    if (this.#mode === 'direct' && !this.#o.primary.status().kafkaReachable) this.#enterSpooling('Kafka unreachable')
    if (this.#mode === 'direct') {
      try {
        await this.#o.primary.write(records)
        return
      } catch (err) {
        // Shutting down is not "Kafka unreachable"; anything else from the primary is spooled.
        if (isAppError(err) && err.code === 'GW_ERR_SINK_CLOSED') throw err
        this.#enterSpooling((err as Error).message)
      }
    }
    try {
      await this.#o.spool.append(records)
    } catch (err) {
      if (isAppError(err) && err.code === 'GW_ERR_SPOOL_FULL') this.#fullAt = this.#o.spool.bytes
      throw err
    }
    this.#o.metrics?.spooled.inc({}, records.length)
    // Only now: a replay loop started before this append could find the spool empty, declare it
    // drained and go back to direct mode, leaving this record on disk with nothing to replay it.
    this.#startReplay()
    return 'spooled'
  }

  #enterSpooling(why: string): void {
    if (this.#mode === 'spooling') return
    this.#mode = 'spooling'
    this.#o.log?.warn({ why }, 'Kafka unavailable: spooling to disk')
  }

  #startReplay(): void {
    if (this.#replaying) return
    this.#replaying = this.#replayUntilDrained().finally(() => {
      this.#replaying = null
      // A write can fail, append and ask for a replay between the drain and this callback: it found
      // a loop still registered and started none. Without this, acknowledged records would wait on
      // disk with nothing replaying them.
      if (!this.#closed && (this.#mode === 'spooling' || !this.#o.spool.isEmpty())) this.#startReplay()
    })
  }

  /** A failing disk must not crash the process nor silently end replay: log and try again. */
  async #replayUntilDrained(): Promise<void> {
    for (;;) {
      try {
        return await this.#replay()
      } catch (err) {
        this.#o.log?.error({ err: (err as Error).message }, 'spool replay failed; retrying')
        await this.#sleep(this.#o.replayRetryMs)
      }
    }
  }

  async #replay(): Promise<void> {
    const batchSize = this.#o.replayBatchRecords ?? 500
    while (!this.#closed) {
      let batch: ReturnType<Spool['peek']>
      try {
        batch = this.#o.spool.peek(batchSize)
      } catch (err) {
        this.#o.log?.error({ err: (err as Error).message }, 'spool read failed; retrying')
        await this.#sleep(this.#o.replayRetryMs)
        continue
      }
      if (batch && batch.records.length === 0) {
        this.#o.log?.error({ next: batch.next }, 'corrupt spool frames skipped')
        this.#o.spool.commit(batch.next)
        continue
      }
      if (!batch) {
        if (this.#o.spool.isEmpty()) {
          this.#mode = 'direct'
          this.#o.log?.info('spool drained: writing to Kafka directly')
          return
        }
        await this.#sleep(5) // appends still being written
        continue
      }
      try {
        await this.#o.primary.write(batch.records)
        this.#o.spool.commit(batch.next)
        this.#o.metrics?.replayed.inc({}, batch.records.length)
        // Per device, readings only: spooled = replayed + in spool counts readings (authorize-publish).
        const tally = this.#o.metrics?.pipeline
        if (tally) for (const r of batch.records) if (r.stream === 'readings') tally.inc(r.key, 'replayed')
      } catch {
        await this.#sleep(this.#o.replayRetryMs)
      }
    }
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((r) => this.#o.clock.setTimeout(r, ms))
  }

  status(): SinkStatus {
    const p = this.#o.primary.status()
    const bytes = this.#o.spool.bytes
    const reachable = p.kafkaReachable && this.#mode === 'direct'
    if (bytes < this.#fullAt - 4_096) this.#fullAt = Infinity
    const room = bytes < this.#o.spool.limitBytes && bytes < this.#fullAt
    return { accepting: !this.#closed && (reachable || room), kafkaReachable: p.kafkaReachable, spoolBytes: bytes, spoolLimitBytes: this.#o.spool.limitBytes }
  }

  /** Stop replaying (what is left stays on disk for the next start), close the primary. */
  async close(): Promise<void> {
    this.#closed = true
    await this.#replaying
    await this.#o.primary.close()
    this.#o.spool.close()
  }
}
