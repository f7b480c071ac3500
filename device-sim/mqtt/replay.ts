// --replay: publishes a recorded NDJSON stream (the --out format) on one connection per device,
// keeping the recorded spacing divided by --speed. A device connects before its first publish and
// its Will is derived from its recorded status messages.
import { readFileSync } from 'node:fs'
import type { PublishRecord } from '../engine/publish-record.ts'
import { SimError } from '../errors.ts'
import { createRng } from '../random/prng.ts'
import { MqttTransport } from './mqtt-transport.ts'
import { probeBroker } from './probe-broker.ts'
import type { TransportCounters, TransportOptions } from './transport-types.ts'

const offlineOf: Readonly<Record<string, string>> = { online: 'offline', Online: 'Offline' }

export function readRecording(file: string): PublishRecord[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    throw new SimError('SIM_ERR_INVALID_REPLAY', `cannot read ${file}: ${(cause as Error).message}`, { cause })
  }
  const out: PublishRecord[] = []
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let r: Partial<PublishRecord>
    try {
      r = JSON.parse(line) as Partial<PublishRecord>
    } catch {
      throw new SimError('SIM_ERR_INVALID_REPLAY', `${file}:${i + 1}: not JSON`)
    }
    if (typeof r.deviceId !== 'string' || typeof r.topic !== 'string' || typeof r.payload !== 'string' || typeof r.publishedAt !== 'number' || (r.qos !== 0 && r.qos !== 1)) {
      throw new SimError('SIM_ERR_INVALID_REPLAY', `${file}:${i + 1}: needs deviceId, topic, payload, publishedAt and qos 0|1`)
    }
    out.push(r as PublishRecord)
  })
  return out
}

export async function replay(records: readonly PublishRecord[], opts: TransportOptions, seed: number, drainMs: number): Promise<TransportCounters> {
  await probeBroker(opts.url, opts.connectTimeoutMs)
  const wills = new Map<string, { topic: string; payload: string; qos: 0 | 1 }>()
  for (const r of records) {
    const off = offlineOf[r.payload]
    if (r.kind === 'status' && off !== undefined && !wills.has(r.deviceId)) wills.set(r.deviceId, { topic: r.topic, payload: off, qos: r.qos })
  }
  const transport = new MqttTransport(opts, (id) => ({
    clientId: id,
    keepaliveS: 60,
    reconnectMs: 5000,
    outboxExpiryMs: null,
    will: wills.get(id) ?? null,
    jitter: createRng(seed, 'transport', id).next,
  }))
  const first = records[0]?.publishedAt ?? 0
  const started = new Set<string>()
  const wall0 = performance.now()
  for (const r of records) {
    const due = wall0 + (r.publishedAt - first) / opts.speed
    const wait = due - performance.now()
    if (wait > 1) await new Promise((res) => setTimeout(res, wait))
    if (!started.has(r.deviceId)) {
      started.add(r.deviceId)
      transport.session({ deviceId: r.deviceId, at: r.publishedAt, state: 'up', graceful: true })
    }
    transport.publish(r)
  }
  await transport.close(drainMs)
  return { ...transport.counters }
}
