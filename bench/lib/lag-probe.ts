// Consumer lag of the processor, in records and in seconds at the offered rate, two ways:
// - consumed: Kafka high watermarks of the readings topic (admin) minus the processor's own count
//   of records processed (/metrics processor_records_total). This is the lag the target is about:
//   how far behind the stream the processor is. Exact on a fresh processor (no replays).
// - committed: high watermarks minus the group's committed offsets. Offsets are committed only
//   after a checkpoint (every 5 s by default, processor/config.ts checkpointIntervalMs), so this runs
//   up to that interval higher by design.
import { Kafka, logLevel, type Admin } from 'kafkajs'

export interface LagSample {
  at: number
  highWatermark: number
  processed: number
  committed: number
  consumedLag: number
  committedLag: number
}

export async function processorMetric(processorHttp: string, name: string): Promise<number> {
  const text = await (await fetch(`${processorHttp}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

export class LagProbe {
  readonly #admin: Admin
  readonly #topic: string
  readonly #groupId: string
  readonly #processorHttp: string

  constructor(o: { brokers: string; topic: string; groupId: string; processorHttp: string }) {
    this.#admin = new Kafka({ clientId: 'bench-pipeline-lag', brokers: o.brokers.split(','), logLevel: logLevel.NOTHING }).admin()
    this.#topic = o.topic
    this.#groupId = o.groupId
    this.#processorHttp = o.processorHttp
  }

  connect(): Promise<void> {
    return this.#admin.connect()
  }

  disconnect(): Promise<void> {
    return this.#admin.disconnect()
  }

  async sample(): Promise<LagSample> {
    // The processor's count is read first: a high watermark read after it can only overstate the
    // lag (by the few ms between the two), never hide it.
    const processed = await processorMetric(this.#processorHttp, 'processor_records_total')
    const [offsets, group] = await Promise.all([
      this.#admin.fetchTopicOffsets(this.#topic),
      this.#admin.fetchOffsets({ groupId: this.#groupId, topics: [this.#topic] }),
    ])
    const highWatermark = offsets.reduce((s, p) => s + Number(p.high), 0)
    const committed = (group[0]?.partitions ?? []).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0)
    return {
      at: Date.now(),
      highWatermark,
      processed,
      committed,
      consumedLag: Math.max(0, highWatermark - processed),
      committedLag: Math.max(0, highWatermark - committed),
    }
  }

  /** Waits until the processor has consumed everything in the topic (at most timeoutMs). */
  async drained(timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs
    while (Date.now() < deadline) {
      const s = await this.sample()
      if (s.consumedLag === 0) return true
      await new Promise((r) => setTimeout(r, 1_000))
    }
    return false
  }
}
