// Publishes each owned partition's checkpointed pipeline counts (pipeline-counts.ts) to
// pipeline_counters. The counter "instance" is the partition (`group/topic/partition`), not the
// process: the counts travel with the checkpoint from owner to owner, so whichever process owns
// the partition writes the same absolute values (an idempotent upsert) and a crash neither loses
// nor doubles anything. Failures never touch processing: logged rate-limited, counted, retried.
import type cassandra from 'cassandra-driver'
import { closeWithin, throttledFailures, type CounterLog } from '../../contracts/pipeline-counter-runner.ts'
import { PipelineTally, startCounterWriter, type CounterWriter } from '../../contracts/pipeline-counters.ts'
import type { PartitionPipelineCounts } from './pipeline-counts.ts'

export interface PipelinePublisherOptions {
  client: cassandra.Client
  groupId: string
  topic: string
  /** flush period, ms (5 s) */
  intervalMs: number
  log: CounterLog
  onFailure?: () => void
  now?: () => number
}

interface Owned {
  tally: PipelineTally
  writer: CounterWriter
}

export class PipelinePublisher {
  readonly #o: PipelinePublisherOptions
  readonly #owned = new Map<number, Owned>()
  readonly #report: (err: unknown) => void

  constructor(o: PipelinePublisherOptions) {
    this.#o = o
    this.#report = throttledFailures(o.log, 'pipeline counters not written to Cassandra; kept for the next flush', 60_000, o.now ?? Date.now, o.onFailure)
  }

  instanceOf(partition: number): string {
    return `${this.#o.groupId}/${this.#o.topic}/${partition}`
  }

  /** Counts as of a checkpoint just saved (or loaded) for `partition`. */
  publish(partition: number, counts: PartitionPipelineCounts): void {
    let own = this.#owned.get(partition)
    if (!own) {
      const tally = new PipelineTally()
      const writer = startCounterWriter(this.#o.client, tally, {
        component: 'processor',
        instance: this.instanceOf(partition),
        intervalMs: this.#o.intervalMs,
        onError: this.#report,
        ...(this.#o.now ? { now: this.#o.now } : {}),
      })
      this.#owned.set(partition, (own = { tally, writer }))
    }
    // The tally only adds; set the absolute value by its difference (dirty only when changed).
    for (const [d, c, v] of counts.entries()) {
      const delta = v - own.tally.get(d, c)
      if (delta !== 0) own.tally.inc(d, c, delta)
    }
  }

  /**
   * The partition went to another owner: stop without a last write. The new owner publishes the
   * checkpoint it loaded (every row), and a late write of ours could land after its newer values.
   */
  release(partition: number): void {
    this.#owned.get(partition)?.writer.stop()
    this.#owned.delete(partition)
  }

  /** Graceful stop: a last write of every owned partition, bounded. */
  async close(timeoutMs: number): Promise<void> {
    const owned = [...this.#owned.values()]
    this.#owned.clear()
    await Promise.all(owned.map((o) => closeWithin(o.writer, timeoutMs, this.#report)))
  }
}
