// KafkaSink's admission bound with a stand-in producer and a stepped clock: a write over
// maxPendingRecords waits for room (backpressure: its socket is not read meanwhile) and fails,
// retriable, only once it has waited the whole send timeout. Against the real Kafka:
// kafka-sink.integration.test.ts.
import { strict as assert } from 'node:assert'
import { test } from 'node:test'
import type { Kafka, ProducerBatch, RecordMetadata } from 'kafkajs'
import type { Clock } from '../../../gateway/clock.ts'
import { KafkaSink } from '../../../gateway/sink/kafka-sink.ts'
import type { SinkRecord } from '../../../gateway/sink/telemetry-sink.ts'

interface Timer {
  at: number
  id: number
  fn: () => void
}

/** Timers run only when the test advances time, in due order. */
function steppedClock(): Clock & { advanceTo(t: number): Promise<void> } {
  let now = 0
  let ids = 0
  const timers: Timer[] = []
  const settle = () => new Promise((r) => setImmediate(r))
  return {
    now: () => now,
    setTimeout: (fn, ms) => {
      const t = { at: now + ms, id: ++ids, fn }
      timers.push(t)
      return t
    },
    clearTimeout: (t) => {
      const i = timers.indexOf(t as Timer)
      if (i >= 0) timers.splice(i, 1)
    },
    async advanceTo(target) {
      await settle()
      for (;;) {
        timers.sort((a, b) => a.at - b.at || a.id - b.id)
        const next = timers[0]
        if (!next || next.at > target) break
        timers.shift()
        now = next.at
        next.fn()
        await settle()
      }
      now = target
      await settle()
    },
  }
}

/** A producer whose every sendBatch waits until the test answers or fails it. */
function standInKafka() {
  const sends: Array<{ batch: ProducerBatch; answer: () => void; fail: (e: Error) => void }> = []
  let onConnect = (): void => {}
  const producer = {
    events: { CONNECT: 'connect', DISCONNECT: 'disconnect' },
    on: (ev: string, fn: () => void) => void (ev === 'connect' ? (onConnect = fn) : undefined),
    connect: async () => onConnect(),
    disconnect: async () => {},
    sendBatch: (batch: ProducerBatch) =>
      new Promise<RecordMetadata[]>((resolve, reject) =>
        sends.push({
          batch,
          answer: () => resolve((batch.topicMessages ?? []).flatMap((t) => [...new Set(t.messages.map((m) => m.partition as number))].map((partition) => ({ topicName: t.topic, partition, errorCode: 0 })))),
          fail: reject,
        }),
      ),
  }
  const admin = {
    connect: async () => {},
    disconnect: async () => {},
    fetchTopicMetadata: async ({ topics }: { topics: string[] }) => ({ topics: [{ name: topics[0], partitions: [{ partitionId: 0, leader: 0, replicas: [0], isr: [0], offlineReplicas: [], partitionErrorCode: 0 }] }] }),
  }
  return { kafka: { producer: () => producer, admin: () => admin } as unknown as Kafka, sends }
}

const rec = (key: string): SinkRecord[] => [{ stream: 'readings', key, value: '{}' }]

test('over maxPendingRecords a write waits for room for as long as sends complete, and is sent in order', async () => {
  const clock = steppedClock()
  const { kafka, sends } = standInKafka()
  const sink = new KafkaSink({ kafka, topics: { readings: 'r', dlq: 'd', events: 'e' }, clock, sendTimeoutMs: 5_000, lingerMs: 0, maxBatchRecords: 1, maxInFlightBatches: 1, maxPendingRecords: 1 })
  assert.equal(await sink.start(), true)
  const outcome = new Map<string, string>()
  const track = (k: string, p: Promise<void>) =>
    p.then(
      () => outcome.set(k, 'ok'),
      (e: { code?: string }) => outcome.set(k, String(e.code)),
    )
  const writes = ['a', 'b', 'c'].map((k) => track(k, sink.write(rec(k))))
  await clock.advanceTo(0)
  assert.equal(sends.length, 1, 'only a is in flight; b and c wait for room')
  // each send takes 4 s: c waits 8 s in all, longer than the send timeout, and still is not failed
  for (let i = 0; i < 3; i++) {
    await clock.advanceTo(4_000 * (i + 1))
    assert.equal(outcome.size, i, 'waiting is not failing')
    sends[i]?.answer()
    await writes[i]
    await clock.advanceTo(4_000 * (i + 1))
  }
  assert.deepEqual(sends.map((s) => s.batch.topicMessages?.[0]?.messages[0]?.key), ['a', 'b', 'c'])
  assert.deepEqual(Object.fromEntries(outcome), { a: 'ok', b: 'ok', c: 'ok' })
  await sink.close()
})

test('when a send fails, the writes waiting for room fail with it (retriable): Kafka is not taking records', async () => {
  const clock = steppedClock()
  const { kafka, sends } = standInKafka()
  const sink = new KafkaSink({ kafka, topics: { readings: 'r', dlq: 'd', events: 'e' }, clock, sendTimeoutMs: 5_000, lingerMs: 0, maxBatchRecords: 1, maxInFlightBatches: 1, maxPendingRecords: 1, reconnectMs: 60_000 })
  await sink.start()
  const results = await (async () => {
    const ws = ['a', 'b', 'c'].map((k) => sink.write(rec(k)))
    await clock.advanceTo(0)
    sends[0]?.fail(new Error('broker gone'))
    return Promise.allSettled(ws)
  })()
  assert.equal(sends.length, 1, 'b and c were never sent')
  for (const r of results) {
    assert.equal(r.status, 'rejected')
    const e = (r as PromiseRejectedResult).reason as { code?: string; retriable?: boolean }
    assert.equal(e.code, 'GW_ERR_KAFKA_SEND')
    assert.equal(e.retriable, true)
  }
  await sink.close()
})

test('a single write larger than the bound is let through alone instead of waiting for ever', async () => {
  const clock = steppedClock()
  const { kafka, sends } = standInKafka()
  const sink = new KafkaSink({ kafka, topics: { readings: 'r', dlq: 'd', events: 'e' }, clock, sendTimeoutMs: 5_000, lingerMs: 0, maxBatchRecords: 10, maxInFlightBatches: 1, maxPendingRecords: 2 })
  await sink.start()
  const big = sink.write([...rec('x'), ...rec('y'), ...rec('z')])
  await clock.advanceTo(0)
  assert.equal(sends.length, 1)
  sends[0]?.answer()
  await big
  await sink.close()
})
