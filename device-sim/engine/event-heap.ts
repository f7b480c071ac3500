// Binary min-heap of devices by next event time, ties broken by fleet index so the processing
// order (and so the output) is a pure function of the seed.
export interface Scheduled {
  nextAt: number
  /** position in the fleet: the tie-breaker */
  rank: number
}

export class EventHeap<T extends Scheduled> {
  private readonly items: T[] = []

  constructor(items: readonly T[]) {
    for (const d of items) this.push(d)
  }

  get size(): number {
    return this.items.length
  }

  private less(a: T, b: T): boolean {
    return a.nextAt < b.nextAt || (a.nextAt === b.nextAt && a.rank < b.rank)
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(d: T): void {
    const a = this.items
    a.push(d)
    let i = a.length - 1
    while (i > 0) {
      const p = (i - 1) >> 1
      const x = a[i] as T
      const y = a[p] as T
      if (!this.less(x, y)) break
      a[i] = y
      a[p] = x
      i = p
    }
  }

  /** Restores order after the top item's nextAt changed. */
  updateTop(): void {
    const a = this.items
    const n = a.length
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      const r = l + 1
      let m = i
      if (l < n && this.less(a[l] as T, a[m] as T)) m = l
      if (r < n && this.less(a[r] as T, a[m] as T)) m = r
      if (m === i) return
      const x = a[i] as T
      a[i] = a[m] as T
      a[m] = x
      i = m
    }
  }
}
