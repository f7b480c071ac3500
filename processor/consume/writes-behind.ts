// The Cassandra and Kafka writes of one partition that run behind its consumption. A batch's
// effects used to be awaited before the next batch of any partition in the same consumer slot
// was processed, and a checkpoint awaited five seconds of raw rows: the processor stopped
// reading while Cassandra wrote, and on a busy machine its consumer lag grew by the write time.
// Now writes start and consumption goes on; what keeps the guarantee is the checkpoint, which
// waits for every write started before it (`settled`) and is not saved if any of them failed:
// an offset is only ever committed over effects that are durable.
// Bounded: past `max` writes in flight, `add` waits for one to finish (memory, and a store that
// is slower than the stream shows as lag rather than as a growing heap).

export class WritesBehind {
  readonly #max: number
  readonly #pending = new Set<Promise<void>>()
  #failure: { err: unknown } | null = null

  constructor(max: number) {
    this.#max = max
  }

  get size(): number {
    return this.#pending.size
  }

  /** The first write that failed (the partition must be paused and replayed), or null. */
  get failure(): { err: unknown } | null {
    return this.#failure
  }

  /** Starts `write`; resolves once fewer than `max` writes are in flight. */
  async add(write: () => Promise<void>): Promise<void> {
    const p: Promise<void> = write().then(
      () => {
        this.#pending.delete(p)
      },
      (err: unknown) => {
        this.#pending.delete(p)
        this.#failure ??= { err }
      },
    )
    this.#pending.add(p)
    while (this.#pending.size >= this.#max) await Promise.race(this.#pending)
  }

  /** Resolves when every write started so far has finished; rejects with the first failure. */
  settled(): Promise<void> {
    const now = [...this.#pending]
    return Promise.all(now).then(() => {
      if (this.#failure) throw this.#failure.err
    })
  }
}
