// Folds processor Effects the way the store does (window base, then base ⊕ the set of late
// readings), in memory — for unit tests that check results without Cassandra.
import type { Effects } from '../../../processor/consume/effects.ts'
import { addValue, emptyStats, mergeStats, stddevOf, type Stats } from '../../../processor/windows/aggregate.ts'
import { windowKeyString } from '../../../processor/windows/tumbling-window.ts'

export interface Folded {
  stats: Stats
  stddev: number
  late: number
  invalid: number
  expected: number | null
}

export class EffectsFold {
  readonly base = new Map<string, { stats: Stats; invalid: number; expected: number | null }>()
  readonly late = new Map<string, Map<string, [number, number]>>()

  add(fx: Effects): void {
    for (const [k, w] of fx.windows) this.base.set(k, { stats: { ...w.stats }, invalid: w.invalidCount, expected: w.expectedCount })
    for (const l of fx.late) {
      const k = windowKeyString(l.key)
      if (!this.late.has(k)) this.late.set(k, new Map())
      this.late.get(k)?.set(`${l.boot}/${l.seq}`, [l.value, l.eventTime])
    }
  }

  result(): Map<string, Folded> {
    const out = new Map<string, Folded>()
    for (const k of new Set([...this.base.keys(), ...this.late.keys()])) {
      const b = this.base.get(k)
      const lateStats = emptyStats()
      for (const [v, t] of this.late.get(k)?.values() ?? []) addValue(lateStats, v, t)
      const stats = mergeStats(b?.stats ?? emptyStats(), lateStats)
      out.set(k, { stats, stddev: stddevOf(stats), late: this.late.get(k)?.size ?? 0, invalid: b?.invalid ?? 0, expected: b?.expected ?? null })
    }
    return out
  }
}
