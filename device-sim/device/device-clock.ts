// The device's idea of the time (sensors.md §4.6): Unix epoch + uptime until the first SNTP sync
// (ESP-IDF starts `time()` at 1970), a step to the true time at each sync, and a rate error
// between syncs that differs awake (XTAL-derived, ppm) and in deep sleep (the RC slow clock, %).

// The numbers sit in one Float64Array rather than in fields: V8 boxes each double-valued field
// separately, and with a thousand devices in --out mode those scattered boxes were cache misses on
// every reading. The arithmetic is unchanged.
const ANCHOR_TRUE = 0
const ANCHOR_DEVICE = 1
const RATE = 2
const SKEW = 3
const AWAKE_PPM = 4
const SLEEP_PPM = 5

export class DeviceClock {
  private readonly s = new Float64Array(6)
  synced = false

  /** skewMs: constant error added on every sync, a chaos option (wrong NTP server or timezone bug) */
  constructor(awakePpm: number, sleepPpm: number, skewMs: number) {
    const s = this.s
    s[AWAKE_PPM] = awakePpm
    s[SLEEP_PPM] = sleepPpm
    s[SKEW] = skewMs
    s[RATE] = awakePpm * 1e-6
  }

  get skewMs(): number {
    return this.s[SKEW] as number
  }

  get awakePpm(): number {
    return this.s[AWAKE_PPM] as number
  }

  get sleepPpm(): number {
    return this.s[SLEEP_PPM] as number
  }

  now(t: number): number {
    const s = this.s
    return Math.round((s[ANCHOR_DEVICE] as number) + (t - (s[ANCHOR_TRUE] as number)) * (1 + (s[RATE] as number)))
  }

  /** Power-on reset: RTC time does not survive it, so the clock restarts at the epoch. */
  powerOn(t: number): void {
    const s = this.s
    s[ANCHOR_TRUE] = t
    s[ANCHOR_DEVICE] = 0
    s[RATE] = (s[AWAKE_PPM] as number) * 1e-6
    this.synced = false
  }

  sync(t: number): void {
    const s = this.s
    s[ANCHOR_TRUE] = t
    s[ANCHOR_DEVICE] = t + (s[SKEW] as number)
    this.synced = true
  }

  /** Deep sleep keeps RTC time but runs on the slow RC clock; wake switches back. */
  setSleeping(t: number, sleeping: boolean): void {
    const s = this.s
    s[ANCHOR_DEVICE] = this.now(t)
    s[ANCHOR_TRUE] = t
    s[RATE] = (sleeping ? (s[SLEEP_PPM] as number) : (s[AWAKE_PPM] as number)) * 1e-6
  }

  /** How long (true ms, rounded) the device waits for `deviceMs` measured on its own clock. */
  trueDuration(deviceMs: number, sleeping: boolean): number {
    const s = this.s
    return Math.round(deviceMs / (1 + (sleeping ? (s[SLEEP_PPM] as number) : (s[AWAKE_PPM] as number)) * 1e-6))
  }
}
