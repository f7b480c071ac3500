// Serialises work on one partition: a batch from kafkajs and the idle/checkpoint timer must never
// interleave, or a checkpoint could capture state half-way through a batch.
export class PartitionLock {
  #tail = new Map<number, Promise<unknown>>()

  run<T>(partition: number, fn: () => Promise<T>): Promise<T> {
    const prev = this.#tail.get(partition) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const settled = next.catch(() => {})
    this.#tail.set(partition, settled)
    void settled.then(() => {
      if (this.#tail.get(partition) === settled) this.#tail.delete(partition)
    })
    return next
  }
}
