// Broker mode: the same engine, paced so simulated time runs `speed`× wall time, with every
// publish and session change mirrored on a real MQTT connection per device.
import { encoders } from '../dialects/encoders.ts'
import type { Device } from '../device/device.ts'
import { MqttTransport } from '../mqtt/mqtt-transport.ts'
import { probeBroker } from '../mqtt/probe-broker.ts'
import type { ConnectionInfo, TransportCounters, TransportOptions } from '../mqtt/transport-types.ts'
import { createRng, type Rng } from '../random/prng.ts'
import { buildDevices } from './build-fleet.ts'
import type { FleetPlan } from './fleet-plan.ts'
import { Simulation } from './simulation.ts'

export interface LiveResult {
  mode: 'mqtt'
  url: string
  simulatedMs: number
  wallMs: number
  totals: ReturnType<Simulation['totals']>
  transport: TransportCounters
}

export interface LiveOptions {
  transport: TransportOptions
  /** wall ms to wait for outstanding PUBACKs at the end */
  drainMs: number
  onProgress?: (sim: Simulation, t: TransportCounters) => void
  /** resolves when the run should stop early (Ctrl-C) */
  stop?: Promise<void>
}

export function connectionInfo(d: Device, seed: number): ConnectionInfo {
  const enc = encoders[d.spec.dialect]
  // created on first use: most sessions never reconnect, and 10 000 idle PRNGs cost memory
  let rng: Rng | null = null
  return {
    clientId: d.id,
    keepaliveS: d.spec.client.keepaliveS,
    reconnectMs: d.spec.client.reconnectMs,
    outboxExpiryMs: d.spec.client.outboxExpiryMs,
    will: { topic: enc.statusTopic(d.id), payload: enc.offline, qos: d.spec.qos },
    jitter: () => (rng ??= createRng(seed, 'transport', d.id)).next(),
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

export async function runLive(plan: FleetPlan, opts: LiveOptions): Promise<LiveResult> {
  const speed = opts.transport.speed
  await probeBroker(opts.transport.url, opts.transport.connectTimeoutMs)
  const devices = buildDevices(plan)
  const byId = new Map(devices.map((d) => [d.id, d]))
  const transport = new MqttTransport(opts.transport, (id) => connectionInfo(byId.get(id) as Device, plan.seed))
  const sim = new Simulation(devices, plan.startAt, plan.durationMs)
  let stopped = false
  void opts.stop?.then(() => {
    stopped = true
  })
  const wall0 = performance.now()
  const simNow = (): number => plan.startAt + (performance.now() - wall0) * speed
  // runs until the simulated end in wall time too, so devices stay connected for the whole run
  while (simNow() < sim.endAt && !stopped) {
    sim.runUntil(simNow(), transport)
    opts.onProgress?.(sim, transport.counters)
    const waitWall = (Math.min(sim.nextAt, sim.endAt) - simNow()) / speed
    await sleep(Math.max(1, Math.min(200, waitWall)))
  }
  if (!stopped) sim.runUntil(sim.endAt, transport)
  await transport.close(opts.drainMs)
  opts.onProgress?.(sim, transport.counters)
  return {
    mode: 'mqtt',
    url: opts.transport.url,
    simulatedMs: Math.round(sim.now - plan.startAt),
    wallMs: Math.round(performance.now() - wall0),
    totals: sim.totals(),
    transport: { ...transport.counters },
  }
}
