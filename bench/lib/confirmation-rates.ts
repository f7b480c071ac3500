// The rates a pipeline run confirms for --duration, in order, until one is sustained. A search step
// is 20 s, and a backlog that grows slowly passes a step it would fail over minutes: on 2026-12-07
// every step up to 23,000/s held, then the 2-minute confirmation at 23,000/s missed while 21,000/s
// held for 5 minutes. The issue asks for the highest rate sustained for the whole duration, which
// a run that only reported "missed" at its best step's rate did not give. So a missed confirmation
// is run again 5 % and then 10 % lower (to 250 readings/s, the search's resolution). With no step
// sustained there is nothing to step down from: the last rate tried is confirmed once.
export const CONFIRM_STEP_DOWN = 0.05
export const CONFIRM_RETRIES = 2

export function confirmationRates(best: number | undefined, lastTried: number): number[] {
  if (best === undefined) return [lastTried]
  const rates = [best]
  for (let k = 1; k <= CONFIRM_RETRIES; k++) {
    const r = Math.round((best * (1 - CONFIRM_STEP_DOWN * k)) / 250) * 250
    if (r > 0 && r < (rates.at(-1) as number)) rates.push(r)
  }
  return rates
}
