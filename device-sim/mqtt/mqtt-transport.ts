// The MQTT side of the engine: one DeviceConnection per device, opened and closed as the
// simulated devices' links come and go.
import type { DeviceOutput, SessionEvent } from '../device/device-spec.ts'
import type { PublishRecord } from '../engine/publish-record.ts'
import { createConnectGate } from './connect-gate.ts'
import { brokerAddress } from './probe-broker.ts'
import { DeviceConnection, type ConnectGate } from './device-connection.ts'
import type { ConnectionInfo, TransportCounters, TransportOptions } from './transport-types.ts'

export class MqttTransport implements DeviceOutput {
  readonly counters: TransportCounters = { connected: 0, connects: 0, connectFailures: 0, published: 0, acknowledged: 0, failed: 0 }
  private readonly opts: TransportOptions & { host: string; port: number }
  private readonly infoFor: (deviceId: string) => ConnectionInfo
  private readonly gate: ConnectGate
  private readonly conns = new Map<string, DeviceConnection>()

  constructor(opts: TransportOptions, infoFor: (deviceId: string) => ConnectionInfo) {
    this.opts = { ...opts, ...brokerAddress(opts.url) }
    this.infoFor = infoFor
    this.gate = createConnectGate(opts.maxConnecting)
  }

  private conn(id: string): DeviceConnection {
    let c = this.conns.get(id)
    if (!c) {
      c = new DeviceConnection(this.infoFor(id), this.opts, this.counters, this.gate)
      this.conns.set(id, c)
    }
    return c
  }

  session(e: SessionEvent): void {
    if (e.state === 'up') this.conn(e.deviceId).up()
    else this.conns.get(e.deviceId)?.down(e.graceful)
  }

  publish(r: PublishRecord): void {
    this.conn(r.deviceId).publish(r)
  }

  get inflight(): number {
    let n = 0
    for (const c of this.conns.values()) n += c.inflight
    return n
  }

  /** Waits up to `drainMs` for outstanding acknowledgements, then disconnects every device. */
  async close(drainMs: number): Promise<void> {
    const until = performance.now() + drainMs
    while (this.inflight > 0 && performance.now() < until) await new Promise((r) => setTimeout(r, 20))
    await Promise.all([...this.conns.values()].map((c) => c.close()))
  }
}
