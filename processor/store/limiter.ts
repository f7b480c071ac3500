// A counting semaphore: at most `limit` store operations in flight for the whole instance, so a
// burst of closing windows cannot open thousands of concurrent requests to Cassandra.
export class Limiter {
  readonly #limit: number
  #active = 0
  readonly #queue: Array<() => void> = []

  constructor(limit: number) {
    this.#limit = limit
  }

  get active(): number {
    return this.#active
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.#active >= this.#limit) await new Promise<void>((resolve) => this.#queue.push(resolve))
    this.#active++
    try {
      return await fn()
    } finally {
      this.#active--
      this.#queue.shift()?.()
    }
  }
}
