// Reconnect delay after a failed or lost real connection: the firmware's fixed base delay
// (sensors.md §4.1), doubled per consecutive failure up to 16×, with ±20 % jitter so a fleet that
// lost its broker does not come back in lockstep. Returned in wall ms for the given speed.
export function reconnectDelayMs(baseMs: number, attempt: number, speed: number, random: () => number): number {
  const sim = baseMs * 2 ** Math.min(attempt, 4) * (0.8 + 0.4 * random())
  return Math.max(20, Math.round(sim / speed))
}
