// One MQTT load generator for every broker in a benchmark: N devices, each with its own connection
// (the simulator's lean MQTT 3.1.1 client), publishing native readings at QoS 0 or 1. Closed loop
// (each device keeps `window` publishes outstanding: the broker's ceiling) or open loop (a fixed
// total rate: latency at a given load). QoS 1 counts PUBACKs; QoS 0 counts completed socket writes.
import { LeanMqttClient } from '../../device-sim/mqtt/lean-client.ts'

export interface LoadOptions {
  port: number
  devices: number
  qos: 0 | 1
  warmupMs: number
  durationMs: number
  /** publishes outstanding per device */
  window: number
  /** total publishes/s across devices; absent = closed loop */
  rate?: number
  idPrefix: string
  /**
   * devices already connected (connectFleet) that stay connected after the run; absent = connect
   * `devices` clients named `idPrefix-NNNNN` for this run and disconnect them at its end
   */
  fleet?: Fleet
  /** called as the measurement window opens and closes (broker-side counters are read here) */
  onWindow?: (edge: 'start' | 'end') => Promise<void>
  /**
   * put the reading's time in the payload (`ts`, epoch ms): open loop, the time the publish was due
   * (the device's sampling instant; it is published then or, if the generator ran late, after);
   * closed loop, the publish time
   */
  stampTime?: boolean
  /** called every second with PUBACKs so far and publishes still unacknowledged (backlog) */
  onProgress?: (p: { acked: number; outstanding: number }) => void
}

export interface LoadResult {
  devices: number
  connected: number
  completed: number
  failed: number
  perSecond: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** A connected device: its client and the id it connected with (its topic must use this id). */
export interface ConnectedDevice {
  id: string
  client: LeanMqttClient
}

/**
 * Connects `ids`, at most `maxConnecting` at a time. Connections complete in any order and some may
 * fail, so each client is returned with its own id: pairing clients with ids by position once sent
 * publishes to another device's topic (ACL-denied by the gateway; seen in the pipeline benchmark).
 */
export async function connectDevicesById(port: number, ids: string[], keepaliveS = 60, maxConnecting = 200): Promise<ConnectedDevice[]> {
  const connected: ConnectedDevice[] = []
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < ids.length) {
      const id = ids[next++] as string
      await new Promise<void>((resolve) => {
        const c: LeanMqttClient = new LeanMqttClient(
          { host: '127.0.0.1', port, clientId: id, username: id, keepaliveS, connectTimeoutMs: 20_000 },
          { onConnect: () => (connected.push({ id, client: c }), resolve()), onClose: () => resolve() },
        )
      })
    }
  }
  await Promise.all(Array.from({ length: Math.min(maxConnecting, ids.length) }, worker))
  return connected
}

export async function connectDevices(port: number, ids: string[], keepaliveS = 60, maxConnecting = 200): Promise<LeanMqttClient[]> {
  return (await connectDevicesById(port, ids, keepaliveS, maxConnecting)).map((d) => d.client)
}

/**
 * Devices that stay connected across runs (the pipeline benchmark's steps), with what a device
 * carries from one run to the next: its seq keeps rising, so the processor's deduplication drops
 * nothing and the temperature wave goes on where it was; its publishes in flight and the stamp of
 * its last reading, so a run starting while PUBACKs of the last are still due keeps the window
 * and the half-round spacing. One fleet instead of fresh ids per run is what a real fleet looks
 * like to the pipeline: the same devices all along, none of them going silent (a new set of ids
 * per step left the processor holding state for every set, and by the 300 s silence rule each set
 * was due to fire silence anomalies inside a later step), no reconnect wave per step.
 */
export interface Fleet {
  readonly devices: ConnectedDevice[]
  readonly topics: string[]
  readonly seqs: number[]
  readonly outstanding: number[]
  readonly lastDueMs: number[]
}

export const deviceIds = (idPrefix: string, count: number): string[] => Array.from({ length: count }, (_, i) => `${idPrefix}-${String(i).padStart(5, '0')}`)

export async function connectFleet(port: number, count: number, idPrefix: string): Promise<Fleet> {
  const devices = await connectDevicesById(port, deviceIds(idPrefix, count))
  return {
    devices,
    topics: devices.map((d) => `devices/${d.id}/telemetry`),
    seqs: new Array<number>(devices.length).fill(0),
    outstanding: new Array<number>(devices.length).fill(0),
    lastDueMs: new Array<number>(devices.length).fill(-Infinity),
  }
}

/** Waits up to `waitMs` for every PUBACK due, then disconnects the fleet gracefully. */
export async function endFleet(fleet: Fleet, waitMs = 5_000): Promise<void> {
  await Promise.all(fleet.devices.map((d) => d.client.end(waitMs)))
}

/** Resolves once no publish of the fleet awaits a PUBACK, or after `waitMs`. */
async function settled(fleet: Fleet, waitMs: number): Promise<void> {
  const until = performance.now() + waitMs
  while (fleet.outstanding.some((n) => n > 0) && performance.now() < until) await new Promise((r) => setTimeout(r, 20))
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0

/**
 * A slow triangle wave, 20.000 → 21.000 → 20.000 °C in steps of 0.001 per reading. The processor's
 * default rate-of-change rule opens an anomaly above 10 °C/min between consecutive readings, and
 * devices here publish tens of times a second: the sawtooth this replaced (+0.01 per reading, back
 * by 0.99 every 100) opened and closed an anomaly every 100 readings of every device (280 anomaly
 * events/s at 14,000 readings/s, each a Kafka record, a Cassandra row and a live-stream event) and
 * at 17 readings/s per device kept one open all the time. Steps of 0.001 stay under the rule up to
 * 166 evenly spaced readings/s per device, so the benchmark measures readings, not an anomaly
 * storm a real fleet does not send. Readings stamped milliseconds apart would still trip it, which
 * is why the open loop stamps each reading with the time it was due and keeps a device's readings
 * at least half a round apart.
 */
export const temperature = (seq: number): string => {
  const k = seq % 2000
  return (20 + (k <= 1000 ? k : 2000 - k) / 1000).toFixed(3)
}

export async function runLoad(o: LoadOptions): Promise<LoadResult> {
  const fleet = o.fleet ?? (await connectFleet(o.port, o.devices, o.idPrefix))
  const clients = fleet.devices.map((d) => d.client)
  const { topics, seqs, outstanding, lastDueMs } = fleet
  const connected = clients.filter((c) => c.isConnected).length
  let running = true
  let measuring = false
  let completed = 0
  let failed = 0
  let acked = 0
  const latencies: number[] = []

  const publishOne = (i: number, dueEpochMs?: number): void => {
    const c = clients[i] as LeanMqttClient
    const seq = ++seqs[i]!
    outstanding[i]!++
    const t0 = performance.now()
    const ts = o.stampTime ? `"ts":${dueEpochMs ?? Date.now()},` : ''
    const payload = `{"seq":${seq},${ts}"sensor":"bme280","temperature":${temperature(seq)},"humidity":41.2,"pressure":1012.84}`
    c.publish(topics[i] as string, payload, o.qos, false, (err) => {
      outstanding[i]!--
      if (!err) acked++
      if (measuring) {
        if (err) failed++
        else {
          completed++
          if (o.qos === 1) latencies.push(performance.now() - t0)
        }
      }
      // Through setImmediate: a QoS 0 write the kernel takes at once completes on nextTick, and
      // re-publishing from there would never yield to the timers that end the measurement.
      if (running && o.rate === undefined && !err) setImmediate(publishOne, i)
    })
  }

  let ticker: NodeJS.Timeout | undefined
  if (o.rate === undefined) {
    for (let i = 0; i < clients.length; i++) for (let w = 0; w < o.window; w++) publishOne(i)
  } else {
    // Open loop on a schedule: publish n (0, 1, 2, …) is due at start + n / rate; every 10 ms the
    // ticker issues those due, round-robin over devices with room, each stamped with its due time.
    // Counted from the time elapsed, not per tick: on a busy machine the timer fires late, and a
    // per-tick credit would quietly offer less than the rate asked for.
    // Stamped with the due time, not the send time, and never two readings of one device closer
    // than half a round (devices / rate / 2): with send-time stamps, the burst that catches up
    // after a stall, or the devices left with room while others wait for PUBACKs, gave one device
    // readings a few ms apart — 10-12 °C/min from a 0.001 °C step, so the processor's default
    // rate-of-change rule opened an anomaly: 87,000 of them in the first four minutes of a
    // 20,000/s pipeline run, Cassandra taking 427 anomaly writes/s against readings_raw's 383
    // (batched) mutations/s (system_views.local_write_latency). A sensor samples on its own clock,
    // whenever its readings reach the gateway; and latency measured from the due time includes any
    // delay of the generator itself (never less than from the send).
    const rate = o.rate
    const minGapMs = (clients.length * 1000) / rate / 2
    const startPerf = performance.now()
    const startEpoch = Date.now()
    let issued = 0
    let cursor = 0
    ticker = setInterval(() => {
      const due = Math.floor(((performance.now() - startPerf) * rate) / 1000)
      // At most 1 s owed: while every device is at its window the debt would otherwise grow
      // into one huge burst once PUBACKs resume (what is skipped is never sent).
      if (due - issued > rate) issued = due - rate
      let spins = 0
      while (issued < due && spins < clients.length) {
        const i = cursor++ % clients.length
        const dueMs = startEpoch + Math.floor((issued * 1000) / rate)
        if ((outstanding[i] as number) < o.window && dueMs - (lastDueMs[i] as number) >= minGapMs && clients[i]?.isConnected) {
          lastDueMs[i] = dueMs
          publishOne(i, dueMs)
          issued++
          spins = 0
        } else spins++
      }
    }, 10)
  }
  const progress = o.onProgress
    ? setInterval(() => o.onProgress?.({ acked, outstanding: outstanding.reduce((a, b) => a + b, 0) }), 1_000)
    : undefined
  await new Promise((r) => setTimeout(r, o.warmupMs))
  await o.onWindow?.('start')
  measuring = true
  const start = performance.now()
  await new Promise((r) => setTimeout(r, o.durationMs))
  const elapsed = (performance.now() - start) / 1000
  measuring = false
  await o.onWindow?.('end')
  running = false
  if (ticker) clearInterval(ticker)
  if (progress) clearInterval(progress)
  // A fleet of its own is disconnected; a shared one is left with no PUBACK of this run still due,
  // so the next run starts from an empty backlog.
  if (o.fleet) await settled(fleet, 5_000)
  else await endFleet(fleet)
  latencies.sort((a, b) => a - b)
  return {
    devices: o.fleet ? clients.length : o.devices,
    connected,
    completed,
    failed,
    perSecond: Math.round(completed / elapsed),
    p50Ms: Number(percentile(latencies, 0.5).toFixed(2)),
    p99Ms: Number(percentile(latencies, 0.99).toFixed(2)),
    maxMs: Number((latencies.at(-1) ?? 0).toFixed(2)),
  }
}
