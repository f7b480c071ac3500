// The window-threshold scenario shared by the unit and integration tests: rules with global, site
// and device overrides on window means, and per-device values held for whole 10 s windows.
import type { Reading } from '../../../contracts/reading.ts'
import { defaultImpossible, type RulesFile } from '../../../processor/anomalies/rules-file.ts'

export const windowRules: RulesFile = {
  impossible: defaultImpossible,
  windowThresholds: { temperature: { high: 30, hysteresis: 2, severity: 'info' } },
  sites: { cold: { windowThresholds: { temperature: { high: 8, severity: 'warning' } } } },
  devices: {
    room: {},
    fridge: { site: 'cold' },
    probe: { site: 'cold', windowThresholds: { temperature: { high: 4, openAfter: 2, severity: 'critical' } } },
  },
}

/** Mean temperature of each consecutive 10 s window, per device. */
export const windowValues: Record<string, number[]> = {
  // global rule (> 30, band 2): 31 opens, 29 is inside the band (stays open), 27 closes
  room: [25, 31, 29, 27, 25, 25, 25, 25, 25, 25, 25, 25],
  // site rule (> 8): both window sizes open at t0 and close at t0 + 60 s — two anomalies, two ids
  fridge: [10, 10, 10, 10, 10, 10, 5, 5, 5, 5, 5, 5],
  // device rule (> 4, openAfter 2): a single breaching window does not open; two do
  probe: [5, 3, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1],
}

/** 10 readings (1 s apart) per 10 s window at that window's value, interleaved across devices. */
export function windowReadings(values: Record<string, number[]>, t0: number): Reading[] {
  const out: Reading[] = []
  const n = Math.max(...Object.values(values).map((v) => v.length)) * 10
  for (let i = 0; i < n; i++) {
    for (const [deviceId, vs] of Object.entries(values)) {
      const v = vs[Math.floor(i / 10)]
      if (v === undefined) continue
      const t = t0 + i * 1_000
      out.push({ deviceId, seq: i, seqSource: 'device', boot: 1, eventTime: t, receivedAt: t, timeSource: 'device', sensor: 'sht31', dialect: 'native', metrics: { temperature: v } })
    }
  }
  return out
}

export interface ExpectedAnomaly {
  deviceId: string
  id: string
  severity: string
  threshold: number
  openedAt: number
  closedAt: number
}

/** Every anomaly windowValues produces, as finally stored (opened and closed). */
export function expectedWindowAnomalies(t0: number): ExpectedAnomaly[] {
  const s = (k: number): number => t0 + k * 10_000
  const a = (deviceId: string, size: number, severity: string, threshold: number, open: number, close: number): ExpectedAnomaly => ({
    deviceId,
    id: `threshold_window:temperature@${size}:${s(open)}`,
    severity,
    threshold,
    openedAt: s(open),
    closedAt: s(close),
  })
  return [
    a('room', 10_000, 'info', 30, 1, 3),
    a('fridge', 10_000, 'warning', 8, 0, 6),
    a('fridge', 60_000, 'warning', 8, 0, 6),
    a('probe', 10_000, 'critical', 4, 2, 4),
  ]
}
