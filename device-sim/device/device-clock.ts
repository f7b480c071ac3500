// The device's idea of the time (sensors.md §4.6): Unix epoch + uptime until the first SNTP sync
// (ESP-IDF starts `time()` at 1970), a step to the true time at each sync, and a rate error
// between syncs that differs awake (XTAL-derived, ppm) and in deep sleep (the RC slow clock, %).
export class DeviceClock {
  private anchorTrue = 0
  private anchorDevice = 0
  private rate = 0
  /** constant error added on every sync: a chaos option (wrong NTP server or timezone bug) */
  readonly skewMs: number
  readonly awakePpm: number
  readonly sleepPpm: number
  synced = false

  constructor(awakePpm: number, sleepPpm: number, skewMs: number) {
    this.awakePpm = awakePpm
    this.sleepPpm = sleepPpm
    this.skewMs = skewMs
    this.rate = awakePpm * 1e-6
  }

  now(t: number): number {
    return Math.round(this.anchorDevice + (t - this.anchorTrue) * (1 + this.rate))
  }

  /** Power-on reset: RTC time does not survive it, so the clock restarts at the epoch. */
  powerOn(t: number): void {
    this.anchorTrue = t
    this.anchorDevice = 0
    this.rate = this.awakePpm * 1e-6
    this.synced = false
  }

  sync(t: number): void {
    this.anchorTrue = t
    this.anchorDevice = t + this.skewMs
    this.synced = true
  }

  /** Deep sleep keeps RTC time but runs on the slow RC clock; wake switches back. */
  setSleeping(t: number, sleeping: boolean): void {
    this.anchorDevice = this.now(t)
    this.anchorTrue = t
    this.rate = (sleeping ? this.sleepPpm : this.awakePpm) * 1e-6
  }

  /** How long (true ms, rounded) the device waits for `deviceMs` measured on its own clock. */
  trueDuration(deviceMs: number, sleeping: boolean): number {
    return Math.round(deviceMs / (1 + (sleeping ? this.sleepPpm : this.awakePpm) * 1e-6))
  }
}
