// Named invariant checkers for fault tests (style.md lesson 10). A key is `deviceId/boot/seq`
// (contracts/reading.ts readingKey), the identity of one reading everywhere in the pipeline.

/**
 * Kafka after a fault: every reading acknowledged to a device is present; duplicates are allowed
 * (a device resends what was not acknowledged, identifiable by seq); nothing appears that no
 * device published.
 */
export function assertEveryAckedInKafka(acked: Iterable<string>, stored: Iterable<string>, published: ReadonlySet<string>): void {
  const have = new Set(stored)
  const lost = [...acked].filter((k) => !have.has(k))
  const phantom = [...have].filter((k) => !published.has(k))
  if (lost.length || phantom.length) {
    throw new Error(
      `acknowledged but missing from Kafka: ${lost.length} (${lost.slice(0, 8).join(', ')}); ` +
        `in Kafka but never published: ${phantom.length} (${phantom.slice(0, 8).join(', ')})`,
    )
  }
}

/** Storage after a fault: every acknowledged reading stored exactly once, nothing else stored. */
export function assertEveryAckedStoredOnce(acked: Iterable<string>, stored: readonly string[]): void {
  const counts = new Map<string, number>()
  for (const k of stored) counts.set(k, (counts.get(k) ?? 0) + 1)
  const ackedSet = new Set(acked)
  const lost = [...ackedSet].filter((k) => !counts.has(k))
  const twice = [...counts].filter(([, n]) => n > 1).map(([k]) => k)
  const extra = [...counts.keys()].filter((k) => !ackedSet.has(k))
  if (lost.length || twice.length || extra.length) {
    throw new Error(`lost ${lost.length} (${lost.slice(0, 8).join(', ')}); stored twice ${twice.length} (${twice.slice(0, 8).join(', ')}); unacknowledged but stored ${extra.length}`)
  }
}
