// Checkpoint bytes: gzipped JSON of a PartitionSnapshot. ±Infinity (empty accumulators, no event
// yet) become null in JSON; PartitionProcessor restores them.
//
// Size. The snapshot is one blob cell of one row, so it grows with devices × metrics × open windows
// of the partition: measured (test/processor/offsets/checkpoint-size.test.ts) at 0.37 MB for
// 1,000 devices × 3 metrics × 2 window sizes (2.65 MB of JSON before gzip, ~370 B per device), so
// the ~1 MB a cell should stay under is passed at ~2,700 such devices on one partition. The hard
// limit: a mutation larger than half a commitlog segment (max_mutation_size, 16 MiB by default) is
// refused. We refuse first, with a stable code, at CHECKPOINT_MAX_BYTES (≈ 33,000 such devices on
// one partition): the partition pauses and /ready names the cause (add partitions, or shorten the
// longest window), instead of a driver error that looks like an outage.
import { gunzipSync, gzipSync } from 'node:zlib'
import type { PartitionSnapshot } from '../consume/partition-processor.ts'
import { ProcError } from '../errors.ts'

/** 12 MiB: the 16 MiB mutation limit less room for the row's other cells and protocol framing. */
export const CHECKPOINT_MAX_BYTES = 12 * 1024 * 1024

export function encodeSnapshot(s: PartitionSnapshot, maxBytes = CHECKPOINT_MAX_BYTES): Buffer {
  const bytes = gzipSync(JSON.stringify(s), { level: 1 })
  if (bytes.length > maxBytes) {
    throw new ProcError(
      'PROC_ERR_CHECKPOINT',
      `checkpoint of ${(bytes.length / 1_048_576).toFixed(1)} MiB exceeds ${(maxBytes / 1_048_576).toFixed(1)} MiB (${s.devices.length} devices, ${s.windows.length} open windows on one partition): add partitions or shorten the longest window`,
      { retriable: false, context: { bytes: bytes.length, devices: s.devices.length, windows: s.windows.length } },
    )
  }
  return bytes
}

export const decodeSnapshot = (b: Buffer): PartitionSnapshot => JSON.parse(gunzipSync(b).toString('utf8')) as PartitionSnapshot
