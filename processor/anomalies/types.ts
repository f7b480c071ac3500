// What the detectors report. An anomaly opens once and closes once; both are written to the same
// Cassandra row (deterministic id = kind:metric:openedAt) and published to iot.anomalies.
export type Severity = 'info' | 'warning' | 'critical'
export type AnomalyKind = 'sensor_fault' | 'threshold' | 'threshold_window' | 'rate_of_change' | 'stuck' | 'silence' | 'offline'

export interface Anomaly {
  deviceId: string
  kind: AnomalyKind
  /** metric name, or '' for device-level anomalies (silence) */
  metric: string
  severity: Severity
  /** epoch ms, event time */
  openedAt: number
  closedAt?: number
  value: number
  threshold: number
  detail: string
  /** threshold_window only: the window size (ms) whose means crossed the limit */
  windowSizeMs?: number
}

// Window thresholds run once per window size, and windows of different sizes share left edges
// (every 1 h window starts a 1 min one): without the size, both anomalies would get one id, one row.
export const anomalyId = (a: Pick<Anomaly, 'kind' | 'metric' | 'openedAt' | 'windowSizeMs'>): string =>
  `${a.kind}:${a.metric}${a.windowSizeMs === undefined ? '' : `@${a.windowSizeMs}`}:${a.openedAt}`
