// Packs the rows one consumed batch makes durable into few Cassandra requests. Every request costs
// the driver a frame and a socket write and costs Cassandra a coordinator round (measured: at
// 1,250 readings/s with one INSERT per row, socket writes alone were ~8 % of the processor's busy
// time and Cassandra was the busiest process of the pipeline). Rows of one partition are one
// mutation, however many: an unlogged batch of them is applied like a single write, and Cassandra
// never warns about its size (BatchStatement.verifyBatchSize skips single-mutation batches,
// CASSANDRA-10876). Rows of different partitions share a batch only when the caller says every
// node it talks to holds every partition (see replication-scope.ts) — otherwise the coordinator
// would forward them, the anti-pattern of multi-partition batches — and then only within
// Cassandra's own warning limits: unlogged_batch_across_partitions_warn_threshold (10 partitions)
// and batch_size_warn_threshold (5 KiB of data), both from cassandra.yaml's defaults.

export interface Write {
  query: string
  params: unknown[]
  /** table and partition key, as one string: rows with equal keys are one mutation */
  partition: string
}

export interface BatchLimits {
  /** partitions one batch may span; 1 = single-partition batches only */
  maxPartitions: number
  /** estimated data bytes of a multi-partition batch (Cassandra warns above 5 KiB) */
  maxBytes: number
  /** rows of one single-partition batch (bounds one request's size and latency) */
  maxRows: number
}

export const DEFAULT_BATCH_LIMITS: BatchLimits = { maxPartitions: 10, maxBytes: 5_000, maxRows: 100 }

/**
 * Writes grouped into batches: each group of rows sharing a partition stays whole (split only at
 * maxRows); groups are then combined up to the limits. Order within a partition is kept (same
 * cells written twice in one batch get one timestamp, so the later params must win — they do:
 * Effects already coalesces repeated rows). Pure, so the packing is tested without a server.
 */
export function packWrites(writes: readonly Write[], limits: BatchLimits): Write[][] {
  const groups = new Map<string, Write[]>()
  for (const w of writes) {
    const g = groups.get(w.partition)
    if (g) g.push(w)
    else groups.set(w.partition, [w])
  }
  const out: Write[][] = []
  let open: Write[] = []
  let openParts = 0
  let openBytes = 0
  const close = (): void => {
    if (open.length > 0) out.push(open)
    open = []
    openParts = 0
    openBytes = 0
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.length; i += limits.maxRows) {
      const chunk = g.slice(i, i + limits.maxRows)
      const bytes = chunk.reduce((n, w) => n + estimateBytes(w.params), 0)
      // A chunk that cannot share a batch goes alone: one mutation has no size warning.
      if (limits.maxPartitions <= 1 || bytes > limits.maxBytes) {
        out.push(chunk)
        continue
      }
      if (openParts + 1 > limits.maxPartitions || openBytes + bytes > limits.maxBytes) close()
      open.push(...chunk)
      openParts++
      openBytes += bytes
    }
  }
  close()
  return out
}

/** Cell overhead Cassandra counts per value (timestamp, TTL, local deletion time), rounded up. */
const CELL_OVERHEAD = 20

/** Upper estimate of the data bytes Cassandra counts for one row's values (IMutation.dataSize). */
export function estimateBytes(params: readonly unknown[]): number {
  let n = 0
  for (const p of params) n += CELL_OVERHEAD + valueBytes(p)
  return n
}

function valueBytes(v: unknown): number {
  if (typeof v === 'string') return Buffer.byteLength(v)
  if (Buffer.isBuffer(v)) return v.length
  if (v !== null && typeof v === 'object' && !(v instanceof Date) && v.constructor === Object) {
    // a map<text, double>: one cell per entry, its key in the cell path
    let n = 0
    for (const [k, x] of Object.entries(v)) n += CELL_OVERHEAD + Buffer.byteLength(k) + valueBytes(x)
    return n
  }
  return 8
}
