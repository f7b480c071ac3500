// The rules file of the golden scenario: a temperature threshold with hysteresis, silence after
// one minute, a known reporting interval for expected counts.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { RulesFile } from '../../../processor/anomalies/rules-file.ts'
import { deviceName, type StreamSpec } from './golden-stream.ts'

export const goldenRules = (devices: number, intervalMs: number): RulesFile => ({
  thresholds: { temperature: { high: 30, hysteresis: 1, openAfter: 2, closeAfter: 2, severity: 'warning' } },
  rateOfChange: {},
  silence: { afterMs: 60_000 },
  devices: Object.fromEntries(Array.from({ length: devices }, (_, i) => [deviceName(i), { site: 'lab', reportingIntervalMs: intervalMs }])),
})

const minute = 60_000
/** The golden scenario: 12 devices × 600 readings at 1 s on 3 partitions, 10 s and 60 s windows. */
export const goldenSpec = (): StreamSpec => ({
  seed: 2026,
  devices: 12,
  partitions: 3,
  readingsPerDevice: 600,
  intervalMs: 1_000,
  // two hours ago; the idle advance (event time + idle wall time) closes the last windows once the stream ends
  t0: Math.floor((Date.now() - 2 * 3_600_000) / minute) * minute,
  latenessMs: 5_000,
  windowSizesMs: [10_000, 60_000],
})

/** Writes the golden rules to a temporary file for --processor-rules-file. */
export function rulesFile(spec: StreamSpec): string {
  const path = join(mkdtempSync(join(tmpdir(), 'proc-rules-')), 'rules.json')
  writeFileSync(path, JSON.stringify(goldenRules(spec.devices, spec.intervalMs)))
  return path
}

