// Turns summed counters into the conservation view of GET /api/pipeline: per device and in total,
// where every reading the gateway received went (contracts/pipeline-counters.ts names the counters).
import type { Conservation } from '../schemas/pipeline.ts'

type Counts = ReadonlyMap<string, number>
const EMPTY: Counts = new Map()

export function conservation(gw: Counts = EMPTY, proc: Counts = EMPTY): Conservation {
  const g = (k: string): number => gw.get(k) ?? 0
  const p = (k: string): number => proc.get(k) ?? 0
  const rejected: Record<string, number> = {}
  let rejectedTotal = 0
  for (const [k, v] of gw) {
    if (!k.startsWith('rejected:')) continue
    rejected[k.slice('rejected:'.length)] = v
    rejectedTotal += v
  }
  const toKafka = g('accepted') + g('replayed')
  return {
    gateway: {
      received: g('received'),
      accepted: g('accepted'),
      rejected,
      rejectedTotal,
      spooled: g('spooled'),
      replayed: g('replayed'),
      inSpool: g('spooled') - g('replayed'),
      unaccounted: g('received') - g('accepted') - rejectedTotal - g('spooled'),
    },
    processor: {
      consumed: p('consumed'),
      duplicates: p('duplicates'),
      storedRaw: p('stored_raw'),
      invalid: p('invalid'),
      windowed: p('windowed'),
      late: p('late'),
      deadLettered: p('dead_lettered'),
    },
    flow: {
      toKafka,
      // A device's resend (same deviceId/boot/seq) reaches Kafka as its own record and is dropped
      // there as a duplicate; a record the processor dead-letters is not stored either.
      notYetStored: toKafka - p('stored_raw') - p('duplicates') - p('dead_lettered'),
      notYetWindowed: p('stored_raw') - p('windowed') - p('invalid'),
    },
  }
}

/** Adds counter maps (the fleet total is the sum over devices). */
export function addCounts(into: Map<string, number>, from: Counts): void {
  for (const [k, v] of from) into.set(k, (into.get(k) ?? 0) + v)
}
