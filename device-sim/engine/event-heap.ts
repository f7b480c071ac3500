// Binary min-heap of devices by next event time, ties broken by fleet index so the processing
// order (and so the output) is a pure function of the seed. Keys and ranks sit in typed arrays
// beside the items: comparing through the (large) device objects was a visible share of --out time.
export interface Scheduled {
  nextAt: number
  /** position in the fleet: the tie-breaker */
  rank: number
}

export class EventHeap<T extends Scheduled> {
  private items: T[] = []
  private keys = new Float64Array(16)
  private ranks = new Float64Array(16)

  constructor(items: readonly T[]) {
    for (const d of items) this.push(d)
  }

  get size(): number {
    return this.items.length
  }

  peek(): T | undefined {
    return this.items[0]
  }

  push(d: T): void {
    const n = this.items.length
    if (n === this.keys.length) {
      const k = new Float64Array(n * 2)
      k.set(this.keys)
      this.keys = k
      const r = new Float64Array(n * 2)
      r.set(this.ranks)
      this.ranks = r
    }
    this.items.push(d)
    this.keys[n] = d.nextAt
    this.ranks[n] = d.rank
    this.siftUp(n)
  }

  private siftUp(start: number): void {
    const a = this.items
    const keys = this.keys
    const ranks = this.ranks
    let i = start
    const x = a[i] as T
    const key = keys[i] as number
    const rank = ranks[i] as number
    while (i > 0) {
      const p = (i - 1) >> 1
      const pk = keys[p] as number
      if (!(key < pk || (key === pk && rank < (ranks[p] as number)))) break
      a[i] = a[p] as T
      keys[i] = pk
      ranks[i] = ranks[p] as number
      i = p
    }
    a[i] = x
    keys[i] = key
    ranks[i] = rank
  }

  /** Restores order after the top item's nextAt changed. */
  updateTop(): void {
    const a = this.items
    const n = a.length
    if (n === 0) return
    const keys = this.keys
    const ranks = this.ranks
    const x = a[0] as T
    const key = x.nextAt
    const rank = ranks[0] as number
    let i = 0
    for (;;) {
      const l = 2 * i + 1
      if (l >= n) break
      const r = l + 1
      let m = l
      let mk = keys[l] as number
      if (r < n) {
        const rk = keys[r] as number
        if (rk < mk || (rk === mk && (ranks[r] as number) < (ranks[l] as number))) {
          m = r
          mk = rk
        }
      }
      if (!(mk < key || (mk === key && (ranks[m] as number) < rank))) break
      a[i] = a[m] as T
      keys[i] = mk
      ranks[i] = ranks[m] as number
      i = m
    }
    a[i] = x
    keys[i] = key
    ranks[i] = rank
  }
}
