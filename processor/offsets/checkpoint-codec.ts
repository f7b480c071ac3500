// Checkpoint bytes: gzipped JSON of a PartitionSnapshot. ±Infinity (empty accumulators, no event
// yet) become null in JSON; PartitionProcessor restores them.
import { gunzipSync, gzipSync } from 'node:zlib'
import type { PartitionSnapshot } from '../consume/partition-processor.ts'

export const encodeSnapshot = (s: PartitionSnapshot): Buffer => gzipSync(JSON.stringify(s), { level: 1 })
export const decodeSnapshot = (b: Buffer): PartitionSnapshot => JSON.parse(gunzipSync(b).toString('utf8')) as PartitionSnapshot
