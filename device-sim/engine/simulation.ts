// The engine: a fleet of devices stepped in global simulated-time order. It knows nothing about
// transports; `runUntil` hands every publish and session change to a DeviceOutput (the NDJSON
// writer, the MQTT transport, or both).
import type { Device } from '../device/device.ts'
import type { DeviceCounters, DeviceOutput } from '../device/device-spec.ts'
import { EventHeap } from './event-heap.ts'

export class Simulation {
  readonly devices: readonly Device[]
  readonly startAt: number
  readonly endAt: number
  private readonly heap: EventHeap<Device>
  now: number

  constructor(devices: readonly Device[], startAt: number, durationMs: number) {
    this.devices = devices
    this.startAt = startAt
    this.endAt = startAt + durationMs
    this.now = startAt
    devices.forEach((d, i) => {
      d.rank = i
    })
    this.heap = new EventHeap(devices)
  }

  get nextAt(): number {
    return this.heap.peek()?.nextAt ?? Number.POSITIVE_INFINITY
  }

  get done(): boolean {
    return this.nextAt >= this.endAt || this.now >= this.endAt
  }

  /** Processes every event strictly before min(t, endAt); returns the number processed. */
  runUntil(t: number, out: DeviceOutput): number {
    const limit = Math.min(t, this.endAt)
    let n = 0
    for (;;) {
      const d = this.heap.peek()
      if (d === undefined || d.nextAt >= limit) break
      d.step(out)
      this.heap.updateTop()
      n++
    }
    this.now = Math.max(this.now, limit)
    return n
  }

  totals(): DeviceCounters & { devices: number } {
    const sum: DeviceCounters & { devices: number } = {
      devices: this.devices.length,
      reads: 0,
      published: 0,
      droppedOffline: 0,
      expired: 0,
      oversize: 0,
      skippedFailedReads: 0,
      boots: 0,
      wifiDrops: 0,
      batteryDead: false,
    }
    let dead = 0
    for (const d of this.devices) {
      const c = d.counters
      sum.reads += c.reads
      sum.published += c.published
      sum.droppedOffline += c.droppedOffline
      sum.expired += c.expired
      sum.oversize += c.oversize
      sum.skippedFailedReads += c.skippedFailedReads
      sum.boots += c.boots
      sum.wifiDrops += c.wifiDrops
      if (c.batteryDead) dead++
    }
    sum.batteryDead = dead > 0
    return sum
  }
}
