import type { Clock } from '../../../gateway/clock.ts'

/** A clock that only moves when told to; timers are not run (tests that need them use real time). */
export function fakeClock(start = 1_000_000): Clock & { advance(ms: number): void } {
  let now = start
  return { now: () => now, setTimeout: () => 0, clearTimeout: () => {}, advance: (ms) => (now += ms) }
}
