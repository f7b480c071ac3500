// --replay: publishes a recorded NDJSON stream (the --out format) on one connection per device,
// keeping the recorded spacing divided by --speed. Its Will is derived from its recorded status
// messages. A recording made with --out-sessions carries every session change, and the replay
// makes the same ones on the wire (a lost link kills the socket so the broker fires the Will; a
// deep sleeper's DISCONNECT does not); without them a device connects before its first publish
// and stays connected.
import { readFileSync } from 'node:fs'
import type { PublishRecord, SessionRecord } from '../engine/publish-record.ts'
import { SimError } from '../errors.ts'
import { createRng } from '../random/prng.ts'
import { MqttTransport } from './mqtt-transport.ts'
import { probeBroker } from './probe-broker.ts'
import type { TransportCounters, TransportOptions } from './transport-types.ts'

const offlineOf: Readonly<Record<string, string>> = { online: 'offline', Online: 'Offline' }

export type RecordedLine = PublishRecord | SessionRecord

const isSession = (r: RecordedLine): r is SessionRecord => r.kind === 'session'

export function readRecording(file: string): RecordedLine[] {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    throw new SimError('SIM_ERR_INVALID_REPLAY', `cannot read ${file}: ${(cause as Error).message}`, { cause })
  }
  const out: RecordedLine[] = []
  text.split('\n').forEach((line, i) => {
    if (line.trim() === '') return
    let r: Partial<PublishRecord> | Partial<SessionRecord>
    try {
      r = JSON.parse(line) as Partial<PublishRecord> | Partial<SessionRecord>
    } catch {
      throw new SimError('SIM_ERR_INVALID_REPLAY', `${file}:${i + 1}: not JSON`)
    }
    if (r !== null && typeof r === 'object' && r.kind === 'session') {
      if (typeof r.deviceId !== 'string' || typeof r.publishedAt !== 'number' || (r.state !== 'up' && r.state !== 'down') || typeof r.graceful !== 'boolean') {
        throw new SimError('SIM_ERR_INVALID_REPLAY', `${file}:${i + 1}: a session line needs deviceId, publishedAt, state up|down and graceful`)
      }
      out.push(r as SessionRecord)
      return
    }
    r = r as Partial<PublishRecord>
    if (r === null || typeof r !== 'object' || typeof r.deviceId !== 'string' || typeof r.topic !== 'string' || typeof r.payload !== 'string' || typeof r.publishedAt !== 'number' || (r.qos !== 0 && r.qos !== 1)) {
      throw new SimError('SIM_ERR_INVALID_REPLAY', `${file}:${i + 1}: needs deviceId, topic, payload, publishedAt and qos 0|1`)
    }
    out.push(r as PublishRecord)
  })
  return out
}

export async function replay(records: readonly RecordedLine[], opts: TransportOptions, seed: number, drainMs: number): Promise<TransportCounters> {
  await probeBroker(opts.url, opts.connectTimeoutMs)
  const wills = new Map<string, { topic: string; payload: string; qos: 0 | 1 }>()
  // devices whose sessions were recorded follow them; the others connect at their first publish
  const recordedSessions = new Set<string>()
  for (const r of records) {
    if (isSession(r)) {
      recordedSessions.add(r.deviceId)
      continue
    }
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
    if (isSession(r)) {
      transport.session({ deviceId: r.deviceId, at: r.publishedAt, state: r.state, graceful: r.graceful })
      continue
    }
    if (!recordedSessions.has(r.deviceId) && !started.has(r.deviceId)) {
      started.add(r.deviceId)
      transport.session({ deviceId: r.deviceId, at: r.publishedAt, state: 'up', graceful: true })
    }
    transport.publish(r)
  }
  await transport.close(drainMs)
  return { ...transport.counters }
}
