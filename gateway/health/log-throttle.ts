// At most one log line per key and period. Under overload every unacknowledged publish failed the
// same way (GW_ERR_KAFKA_TIMEOUT), and one warning each — thousands a second — cost the gateway
// CPU it needed to recover and buried everything else in the log. The count is never lost: each
// failure is in /metrics (gateway_publish_not_acked_total by code), and the next line says how many lines
// were suppressed since the last.
export type Emit = (suppressed: number) => void

export function logThrottle(everyMs: number, now: () => number): (key: string, emit: Emit) => void {
  const state = new Map<string, { at: number; suppressed: number }>()
  return (key, emit) => {
    const t = now()
    const s = state.get(key)
    if (s && t - s.at < everyMs) {
      s.suppressed++
      return
    }
    emit(s?.suppressed ?? 0)
    state.set(key, { at: t, suppressed: 0 })
  }
}
