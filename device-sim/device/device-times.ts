// A device's pending event times, kept in one Float64Array behind named accessors. V8 boxes every
// double-valued object field in its own heap number, and stepping a device compares all of these
// times; with a thousand devices in --out mode their scattered boxes were cache misses on every
// event. Device extends this class, so the accessors cost no extra indirection.
const NEXT = 0
const WAKE = 1
const LINK = 2
const DROP = 3
const REPORT = 4
const NTP = 5
const REBOOT = 6
const OUTAGE = 7
const INF = Number.POSITIVE_INFINITY

export class DeviceTimes {
  private readonly times = Float64Array.of(INF, 0, INF, INF, INF, INF, INF, INF)

  /** the earliest pending event (the engine's key) */
  get nextAt(): number {
    return this.times[NEXT] as number
  }
  set nextAt(t: number) {
    this.times[NEXT] = t
  }
  /** the last wake (deep sleep) */
  protected get wakeAt(): number {
    return this.times[WAKE] as number
  }
  protected set wakeAt(t: number) {
    this.times[WAKE] = t
  }
  protected get linkAt(): number {
    return this.times[LINK] as number
  }
  protected set linkAt(t: number) {
    this.times[LINK] = t
  }
  protected get dropAt(): number {
    return this.times[DROP] as number
  }
  protected set dropAt(t: number) {
    this.times[DROP] = t
  }
  protected get reportAt(): number {
    return this.times[REPORT] as number
  }
  protected set reportAt(t: number) {
    this.times[REPORT] = t
  }
  protected get ntpAt(): number {
    return this.times[NTP] as number
  }
  protected set ntpAt(t: number) {
    this.times[NTP] = t
  }
  protected get rebootAt(): number {
    return this.times[REBOOT] as number
  }
  protected set rebootAt(t: number) {
    this.times[REBOOT] = t
  }
  protected get outageAt(): number {
    return this.times[OUTAGE] as number
  }
  protected set outageAt(t: number) {
    this.times[OUTAGE] = t
  }
}
