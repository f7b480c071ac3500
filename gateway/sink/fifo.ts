// A first-in first-out queue with O(1) push and shift. Array.prototype.shift copies the whole
// array once its backing store is in V8's large-object space (~16k entries), where it cannot be
// left-trimmed: under a QoS 0 flood the sink's queues reach 10^5 writes and shift() alone took
// over half of the gateway's CPU (profiled with `npm run bench -- gateway`).
export class Fifo<T> {
  #items: Array<T | undefined> = []
  #head = 0

  get length(): number {
    return this.#items.length - this.#head
  }

  push(item: T): void {
    this.#items.push(item)
  }

  peek(): T | undefined {
    return this.#items[this.#head]
  }

  shift(): T | undefined {
    if (this.#head >= this.#items.length) return undefined
    const item = this.#items[this.#head]
    this.#items[this.#head++] = undefined
    // drop the consumed prefix once it is most of the array: amortised O(1), memory stays bounded
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head)
      this.#head = 0
    }
    return item
  }
}
