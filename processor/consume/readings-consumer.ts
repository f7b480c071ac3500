// The kafkajs consumer-group side: batches go through the partition's PartitionProcessor, their
// effects are written behind consumption (writes-behind.ts), and at most every
// checkpointIntervalMs — once every write started before it is durable — the partition's state is
// checkpointed to Cassandra and its offset committed (autoCommit off, eachBatch with manual
// commits). The checkpoint, not the Kafka commit, is authoritative: a partition's new owner
// (after a crash, restart or rebalance) loads it and replays the records after it, skipping any
// record below it. When Cassandra (or Kafka, for the DLQ/anomaly topics) fails past the retries,
// the partition is paused, its in-memory state is dropped, readiness turns false, and a recovery
// loop waits for the store, reloads the checkpoint, seeks back to it and resumes: nothing lost,
// nothing counted twice.
import { setTimeout as sleep } from 'node:timers/promises'
import type { Admin, Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs'
import type { DeadLetter } from '../../contracts/dead-letter.ts'
import { UNKNOWN_DEVICE } from '../../contracts/pipeline-counters.ts'
import { createDurableSender, type DurableSend } from '../../kafka-client/durable-send.ts'
import type { Rules } from '../anomalies/rules-file.ts'
import type { ProcessorSettings } from '../config.ts'
import type { LatencyHistogram, ProcessorCounters } from '../health/metrics.ts'
import { decodeSnapshot, encodeSnapshot } from '../offsets/checkpoint-codec.ts'
import { PartitionLock } from '../offsets/partition-lock.ts'
import type { CassandraStore } from '../store/cassandra-store.ts'
import { Effects, type RawRow } from './effects.ts'
import { publishEffects } from './kafka-outputs.ts'
import { PartitionProcessor, type ProcessorOptions, type RecordOutcome } from './partition-processor.ts'
import { PartitionPipelineCounts } from './pipeline-counts.ts'
import type { PipelinePublisher } from './pipeline-publisher.ts'
import { RawWriteBehind } from './raw-write-behind.ts'
import { WritesBehind } from './writes-behind.ts'

/** Writes of one partition in flight at most before its consumption waits (writes-behind.ts). */
const MAX_WRITES_IN_FLIGHT = 8

export interface Log {
  debug(obj: object, msg?: string): void
  info(obj: object, msg?: string): void
  warn(obj: object, msg?: string): void
  error(obj: object, msg?: string): void
}

export interface ConsumerDeps {
  kafka: Kafka
  store: CassandraStore
  settings: ProcessorSettings
  rules: Rules
  counters: ProcessorCounters
  closeToDurable: LatencyHistogram
  instanceId: string
  log: Log
  /** wall clock, injectable */
  clock?: () => number
  /** kafkajs session timeout (ms); tests shorten it */
  sessionTimeoutMs?: number
  /** per-device pipeline counts, published at each checkpoint (pipeline-publisher.ts) */
  pipeline?: PipelinePublisher
}

interface PartState {
  proc: PartitionProcessor
  nextOffset: bigint
  checkpointed: bigint
  /** offset last committed to Kafka by this owner; -1 until the first commit succeeds */
  committed: bigint
  lastCheckpointAt: number
  lastRecordAt: number
  lastIdleAt: number
  highWatermark: bigint
  sought: boolean
  /** devices whose registry row changed since the last checkpoint (written just before it) */
  dirtyDevices: Set<string>
  /** raw readings processed but not yet written (always written before the next checkpoint) */
  raw: RawWriteBehind
  /** effects, raw rows and checkpoints being written; a checkpoint waits for all before it */
  writes: WritesBehind
  /** a checkpoint is being written: the next one starts after it */
  checkpointing: boolean
}

export class ReadingsConsumer {
  readonly #d: ConsumerDeps
  readonly #s: ProcessorSettings
  readonly #clock: () => number
  readonly #consumer: Consumer
  readonly #producer: Producer
  readonly #admin: Admin
  readonly #send: DurableSend
  readonly #parts = new Map<number, PartState>()
  readonly #paused = new Set<number>()
  readonly #lock = new PartitionLock()
  #timer: NodeJS.Timeout | undefined
  #recovering = false
  #stopping = false
  #joined = false
  #crashed: string | null = null
  lastError: string | null = null

  constructor(deps: ConsumerDeps) {
    this.#d = deps
    this.#s = deps.settings
    this.#clock = deps.clock ?? Date.now
    const sessionTimeout = deps.sessionTimeoutMs ?? 30_000
    this.#consumer = deps.kafka.consumer({
      groupId: this.#s.groupId,
      sessionTimeout,
      heartbeatInterval: Math.max(500, Math.floor(sessionTimeout / 10)),
      rebalanceTimeout: Math.max(sessionTimeout * 2, 10_000),
      retry: { retries: 10 },
      // Records of many devices per fetch: fewer, fuller batches to process and to write.
      minBytes: this.#s.fetchMinBytes,
      maxWaitTimeInMs: this.#s.fetchMaxWaitMs,
    })
    this.#producer = deps.kafka.producer({ allowAutoTopicCreation: false })
    this.#admin = deps.kafka.admin()
    this.#send = createDurableSender({ producer: this.#producer, admin: this.#admin, ackTimeoutMs: 30_000 })
  }

  get ready(): boolean {
    return this.#joined && this.#paused.size === 0 && this.#crashed === null
  }

  status(): { joined: boolean; paused: number[]; crashed: string | null; lastError: string | null; partitions: number[] } {
    return { joined: this.#joined, paused: [...this.#paused], crashed: this.#crashed, lastError: this.lastError, partitions: [...this.#parts.keys()] }
  }

  lag(): Map<number, number> {
    return new Map([...this.#parts].map(([p, ps]) => [p, Number(ps.highWatermark > ps.nextOffset ? ps.highWatermark - ps.nextOffset : 0n)]))
  }

  openWindows(): number {
    let n = 0
    for (const ps of this.#parts.values()) n += ps.proc.openWindows
    return n
  }

  rawPending(): number {
    let n = 0
    for (const ps of this.#parts.values()) n += ps.raw.size
    return n
  }

  get pausedCount(): number {
    return this.#paused.size
  }

  async start(): Promise<void> {
    const topic = this.#s.readingsTopic
    await Promise.all([this.#admin.connect(), this.#producer.connect(), this.#consumer.connect()])
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (e) => {
      this.#joined = true
      const assigned = new Set(e.payload.memberAssignment[topic] ?? [])
      this.#d.log.info({ partitions: [...assigned] }, 'partitions assigned')
      for (const p of [...this.#parts.keys()]) {
        if (!assigned.has(p)) {
          void this.#lock.run(p, async () => {
            this.#parts.delete(p)
            this.#d.pipeline?.release(p)
          })
        }
      }
      for (const p of [...this.#paused]) {
        if (!assigned.has(p)) this.#paused.delete(p)
        else this.#consumer.pause([{ topic, partitions: [p] }])
      }
    })
    this.#consumer.on(this.#consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.#crashed = String(e.payload.error?.message ?? e.payload.error)
      this.#d.log.error({ err: String(e.payload.error), restart: e.payload.restart }, 'consumer crashed')
    })
    await this.#consumer.subscribe({ topic, fromBeginning: true })
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: (payload) => this.#eachBatch(payload),
    })
    const tick = Math.max(50, Math.min(1_000, this.#s.checkpointIntervalMs || 1_000, this.#s.rawWriteDelayMs || 1_000, Math.floor(this.#s.idleTimeoutMs / 4)))
    this.#timer = setInterval(() => void this.#tick(), tick)
  }

  /** Graceful stop: stop fetching, checkpoint every partition that is durable, disconnect. */
  async stop(): Promise<void> {
    this.#stopping = true
    clearInterval(this.#timer)
    await this.#consumer.stop().catch(() => {})
    await Promise.all(
      [...this.#parts].map(([p, ps]) =>
        this.#lock.run(p, async () => {
          if (this.#parts.get(p) !== ps) return
          await ps.writes.settled().catch(() => {})
          if (ps.writes.failure || ps.nextOffset <= ps.checkpointed) return
          await this.#checkpoint(p, ps).catch(() => {})
          await ps.writes.settled().catch(() => {})
        }),
      ),
    )
    await Promise.allSettled([this.#consumer.disconnect(), this.#producer.disconnect(), this.#admin.disconnect()])
  }

  #procOptions(): ProcessorOptions {
    return {
      windowSizesMs: this.#s.windowSizesMs,
      allowedLatenessMs: this.#s.allowedLatenessMs,
      maxFutureMs: this.#s.maxFutureMs,
      defaultReportingIntervalMs: this.#s.defaultReportingIntervalMs,
      rawStorage: this.#s.rawStorage,
      rules: this.#d.rules,
      counters: this.#d.counters,
    }
  }

  async #load(p: number): Promise<PartState> {
    const ck = await this.#d.store.loadCheckpoint(this.#s.groupId, this.#s.readingsTopic, p)
    let next: bigint
    if (ck) next = BigInt(ck.nextOffset)
    else {
      const offsets = await this.#admin.fetchTopicOffsets(this.#s.readingsTopic)
      next = BigInt(offsets.find((o) => o.partition === p)?.low ?? '0')
    }
    const now = this.#clock()
    this.#d.log.info({ partition: p, nextOffset: next.toString(), fromCheckpoint: ck !== null }, 'partition state loaded')
    const proc = new PartitionProcessor(this.#procOptions(), ck ? decodeSnapshot(ck.state) : undefined)
    // A checkpoint's counts may never have been flushed (its writer died right after saving it).
    if (ck) this.#d.pipeline?.publish(p, proc.pipeline)
    return {
      proc,
      nextOffset: next,
      checkpointed: next,
      committed: -1n,
      lastCheckpointAt: now,
      lastRecordAt: now,
      lastIdleAt: now,
      highWatermark: next,
      sought: false,
      dirtyDevices: new Set(),
      raw: new RawWriteBehind({ delayMs: this.#s.rawWriteDelayMs, maxRows: this.#s.rawWriteMaxRows }),
      writes: new WritesBehind(MAX_WRITES_IN_FLIGHT),
      checkpointing: false,
    }
  }

  async #eachBatch({ batch, heartbeat, isRunning, isStale, resolveOffset }: EachBatchPayload): Promise<void> {
    const p = batch.partition
    if (this.#paused.has(p) || batch.messages.length === 0) return
    await this.#lock.run(p, async () => {
      if (this.#paused.has(p) || this.#stopping) return
      try {
        let ps = this.#parts.get(p)
        if (!ps) this.#parts.set(p, (ps = await this.#load(p)))
        if (ps.writes.failure) throw ps.writes.failure.err
        const first = BigInt((batch.messages[0] as KafkaMessage).offset)
        if (first > ps.nextOffset) {
          if (!ps.sought) {
            // The fetch position is past our state (committed offset ahead of the checkpoint we
            // hold): go back and replay, once.
            ps.sought = true
            this.#consumer.seek({ topic: batch.topic, partition: p, offset: ps.nextOffset.toString() })
            return
          }
          this.#d.log.warn({ partition: p, from: ps.nextOffset.toString(), to: first.toString() }, 'records gone from the log (retention) — continuing after the gap')
          ps.nextOffset = first
        }
        ps.sought = false
        const fx = new Effects()
        const dlqKeys: Array<string | null> = []
        const touched = ps.dirtyDevices
        const closes: Array<[number, number]> = []
        let handled: string | null = null
        for (const m of batch.messages) {
          const off = BigInt(m.offset)
          if (off < ps.nextOffset) {
            handled = m.offset
            continue
          }
          if (!isRunning() || isStale()) break
          handled = m.offset
          const before = fx.windows.size
          let res: { outcome: RecordOutcome; message?: string; deviceId?: string }
          try {
            res = ps.proc.processValue(m.value, fx, m.key?.toString('utf8'))
          } catch (err) {
            this.#d.counters.rejected++
            const device = m.key?.toString('utf8') ?? UNKNOWN_DEVICE
            ps.proc.pipeline.inc(device, 'consumed')
            ps.proc.pipeline.inc(device, 'dead_lettered')
            res = { outcome: 'PROC_REJECT_PROCESSING_FAILED', message: (err as Error).message }
          }
          if (res.outcome === 'ok') touched.add(res.deviceId as string)
          else if (res.outcome !== 'duplicate') {
            fx.dlq.push(this.#deadLetter(batch.topic, p, m, res.outcome, res.message ?? ''))
            dlqKeys.push(m.key ? m.key.toString('utf8') : null)
          }
          if (fx.windows.size > before) closes.push([fx.windows.size - before, this.#clock()])
          ps.nextOffset = off + 1n
        }
        // kafkajs fetches from the last resolved offset: resolve what we handled (this commits
        // nothing — autoCommit is off; commits follow checkpoints).
        if (handled !== null) resolveOffset(handled)
        ps.lastRecordAt = this.#clock()
        ps.highWatermark = BigInt(batch.highWatermark)
        ps.raw.add(fx.raw, ps.lastRecordAt)
        fx.raw = []
        if (fx.size > 0) await ps.writes.add(() => this.#durable(fx, dlqKeys, closes))
        if (this.#clock() - ps.lastCheckpointAt >= this.#s.checkpointIntervalMs) await this.#checkpoint(p, ps)
        else if (ps.raw.due(this.#clock())) await this.#flushRaw(ps)
      } catch (err) {
        this.#fail(p, err)
      }
    })
    await heartbeat().catch(() => {})
  }

  #deadLetter(topic: string, p: number, m: KafkaMessage, reason: DeadLetter['reason'], message: string): DeadLetter {
    return {
      reason,
      message: message.slice(0, 1_000),
      source: 'processor',
      topic: `${topic}/${p}/${m.offset}`,
      payloadBase64: (m.value ?? Buffer.alloc(0)).toString('base64'),
      at: this.#clock(),
    }
  }

  async #durable(fx: Effects, dlqKeys: Array<string | null>, closes: Array<[number, number]>): Promise<void> {
    await Promise.all([
      this.#d.store.apply(fx),
      publishEffects(this.#send, { dlqTopic: this.#s.dlqTopic, anomaliesTopic: this.#s.anomaliesTopic }, fx, dlqKeys),
    ])
    const now = this.#clock()
    for (const [n, t] of closes) if (n > 0) this.#d.closeToDurable.observe((now - t) / 1_000, n)
  }

  /** Starts writing the held raw rows (behind consumption; the next checkpoint waits for them). */
  async #flushRaw(ps: PartState): Promise<void> {
    if (ps.raw.size === 0) return
    const rows = ps.raw.take()
    await ps.writes.add(() => this.#writeRaw(rows))
  }

  async #writeRaw(rows: RawRow[]): Promise<void> {
    if (rows.length === 0) return
    const fx = new Effects()
    fx.raw = rows
    await this.#d.store.apply(fx)
  }

  /**
   * Starts the checkpoint of everything processed so far and returns once it is under way; it is
   * written behind consumption. What it saves is taken now (offset, state, counts, held raw rows,
   * changed registry rows); it is saved only after every write started before it succeeded, then
   * the offset is committed. One at a time per partition: while one is being written, a call
   * starts none (the next due one follows), unless `now` — then it waits for that one first.
   */
  async #checkpoint(p: number, ps: PartState, now = false): Promise<void> {
    if (ps.checkpointing) {
      if (!now) return
      await ps.writes.settled().catch(() => {})
      if (ps.writes.failure) return
    }
    ps.checkpointing = true
    ps.lastCheckpointAt = this.#clock()
    const offset = ps.nextOffset
    const rows = ps.raw.take()
    const registry = new Effects()
    if (ps.dirtyDevices.size > 0) {
      // The registry row is a function of the state, so writing it once per checkpoint (not per
      // batch) is enough: it is durable before the offset that produced it is committed.
      ps.proc.deviceRows(registry, ps.dirtyDevices)
      ps.dirtyDevices.clear()
    }
    const state = encodeSnapshot(ps.proc.snapshot())
    const counts = new PartitionPipelineCounts(ps.proc.pipeline.toJSON())
    const before = ps.writes.settled()
    before.catch(() => {}) // reported through ps.writes.failure; the checkpoint below is not saved
    await ps.writes.add(async () => {
      try {
        await before
        await this.#writeRaw(rows)
        if (registry.size > 0) await this.#d.store.apply(registry)
        // Paused or given to another owner meanwhile: its state was dropped, nothing to save.
        if (this.#parts.get(p) !== ps) return
        await this.#d.store.saveCheckpoint(this.#s.groupId, this.#s.readingsTopic, p, offset.toString(), state, this.#d.instanceId)
        if (this.#parts.get(p) !== ps) return
        ps.checkpointed = offset
        // Only now: every count in this snapshot is durable and will never be replayed.
        this.#d.pipeline?.publish(p, counts)
        this.#d.counters.checkpoints++
        await this.#commit(p, ps, offset)
      } finally {
        ps.checkpointing = false
      }
    })
  }

  /** Kafka's committed offset follows the checkpoint (monitoring and a faster start for the next owner). */
  async #commit(p: number, ps: PartState, offset: bigint): Promise<void> {
    try {
      await this.#consumer.commitOffsets([{ topic: this.#s.readingsTopic, partition: p, offset: offset.toString() }])
      ps.committed = offset
    } catch (err) {
      // A rebalance in progress: the checkpoint already holds this offset, and the next owner
      // skips what lies below it.
      this.#d.log.debug({ partition: p, err: (err as Error).message }, 'offset commit skipped')
    }
  }

  async #tick(): Promise<void> {
    if (this.#stopping) return
    for (const [p, ps] of [...this.#parts]) {
      if (this.#paused.has(p)) continue
      await this.#lock.run(p, async () => {
        if (this.#parts.get(p) !== ps || this.#paused.has(p) || this.#stopping) return
        try {
          if (ps.writes.failure) throw ps.writes.failure.err
          const now = this.#clock()
          if (now - ps.lastIdleAt >= this.#s.idleTimeoutMs) {
            ps.lastIdleAt = now
            const fx = new Effects()
            if (ps.proc.idle(now, ps.lastRecordAt, this.#s.idleTimeoutMs, fx)) {
              if (fx.size > 0) await ps.writes.add(() => this.#durable(fx, [], [[fx.windows.size, now]]))
              // The advance came from the wall clock, not from records: checkpoint it now so a
              // replay starts after it and classifies later records exactly as we did.
              await this.#checkpoint(p, ps, true)
              return
            }
          }
          if (ps.nextOffset > ps.checkpointed && now - ps.lastCheckpointAt >= this.#s.checkpointIntervalMs) await this.#checkpoint(p, ps)
          // A new owner that only skipped records below its loaded checkpoint makes no new
          // checkpoint, so without this the group's committed offset would stay wherever the
          // previous owner's last commit left it (seen after a Kafka SIGKILL: lag reported
          // forever although every record was processed).
          else if (ps.committed < ps.checkpointed && now - ps.lastCheckpointAt >= this.#s.checkpointIntervalMs) {
            ps.lastCheckpointAt = now
            await this.#commit(p, ps, ps.checkpointed)
          }
          // Raw readings of a partition that has gone quiet are not held back past their delay.
          if (ps.raw.due(this.#clock())) await this.#flushRaw(ps)
        } catch (err) {
          this.#fail(p, err)
        }
      })
    }
  }

  #fail(p: number, err: unknown): void {
    this.#d.counters.storeFailures++
    this.lastError = `${(err as { code?: string }).code ?? 'ERROR'}: ${(err as Error).message}`
    this.#d.log.warn({ partition: p, err: this.lastError }, 'partition paused until the store is back; replaying from its checkpoint then')
    this.#paused.add(p)
    this.#parts.delete(p)
    try {
      this.#consumer.pause([{ topic: this.#s.readingsTopic, partitions: [p] }])
    } catch {
      // not assigned any more: nothing to pause
    }
    void this.#recover()
  }

  async #recover(): Promise<void> {
    if (this.#recovering) return
    this.#recovering = true
    let delay = this.#s.retryBaseMs
    try {
      while (this.#paused.size > 0 && !this.#stopping) {
        await sleep(delay)
        delay = Math.min(this.#s.retryMaxMs, delay * 2)
        try {
          await this.#d.store.ping()
        } catch {
          continue
        }
        for (const p of [...this.#paused]) {
          await this.#lock.run(p, async () => {
            if (!this.#paused.has(p)) return
            try {
              const ps = await this.#load(p)
              this.#parts.set(p, ps)
              this.#consumer.seek({ topic: this.#s.readingsTopic, partition: p, offset: ps.nextOffset.toString() })
              this.#paused.delete(p)
              this.#consumer.resume([{ topic: this.#s.readingsTopic, partitions: [p] }])
              this.#d.log.info({ partition: p, from: ps.nextOffset.toString() }, 'partition resumed from its checkpoint')
            } catch (err) {
              this.#parts.delete(p)
              this.lastError = (err as Error).message
            }
          })
        }
      }
    } finally {
      this.#recovering = false
    }
  }
}
