// Raw readings are written at the partition's checkpoint, not with each consumed batch
// (processor/consume/readings-consumer.ts, RAW_FLUSH_ROWS): so one Cassandra mutation carries every
// reading a device sent within a checkpoint interval. Observed on the real server through its own
// count of local writes to readings_raw (system_views.local_write_latency), in a keyspace of the
// test's own: readings trickle in as many small Kafka batches, yet each device costs one or two
// mutations; every reading is still stored, and before the checkpoint that covers it.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import cassandra from 'cassandra-driver'
import { startProcessor } from '../../../processor/processor.ts'
import { stackEnv } from '../../helpers/stack-env.ts'
import { fixture, processorConfig, waitFor } from '../helpers/pipeline-fixture.ts'

const DEVICES = 4
const ROUNDS = 30

test('raw readings trickling in over many small batches are stored in one or two mutations per device', { timeout: 120_000 }, async () => {
  const f = await fixture(stackEnv(), 1)
  const proc = await startProcessor(processorConfig(f, { 'processor-window-sizes-ms': '60000', 'processor-idle-timeout-ms': 60_000, 'processor-checkpoint-interval-ms': 4_000 }))
  const producer = f.kafka.producer()
  const mutations = async (): Promise<number> => {
    const rs = await f.client.execute('SELECT count FROM system_views.local_write_latency WHERE keyspace_name = ? AND table_name = ?', [f.keyspace, 'readings_raw'], { prepare: false })
    return Number(rs.first()?.get('count') ?? 0)
  }
  try {
    await producer.connect()
    const t0 = Date.now() - 120_000
    const day = new Date(t0).toISOString().slice(0, 10)
    const send = async (seq: number): Promise<void> => {
      const messages = Array.from({ length: DEVICES }, (_, d) => {
        const deviceId = `trickle-${d}`
        const eventTime = t0 + seq * 1_000
        return { key: deviceId, value: JSON.stringify({ deviceId, seq, seqSource: 'device', boot: 0, eventTime, receivedAt: eventTime, timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics: { temperature: 20 + seq / 100 } }) }
      })
      await producer.send({ topic: f.topics.readings, acks: -1, messages })
    }
    // Consuming already (the group joined) before the trickle starts, so it is not one big batch.
    await send(0)
    await waitFor('the processor consuming', async () => proc.counters.records >= DEVICES, 30_000, 100)
    const before = await mutations()
    // One reading per device per send, sends 40 ms apart: the processor consumes them as they come.
    for (let seq = 1; seq < ROUNDS; seq++) {
      await send(seq)
      await new Promise((r) => setTimeout(r, 40))
    }
    const stored = async (): Promise<number> => {
      let n = 0
      for (let d = 0; d < DEVICES; d++) {
        const r = await f.client.execute('SELECT COUNT(*) AS n FROM readings_raw WHERE device_id = ? AND day = ?', [`trickle-${d}`, cassandra.types.LocalDate.fromString(day)], { prepare: true })
        n += Number(r.first()?.get('n'))
      }
      return n
    }
    await waitFor('every raw reading stored', async () => (await stored()) === DEVICES * ROUNDS, 30_000, 250)
    const used = (await mutations()) - before
    // Written per consumed batch instead, each device would cost about one mutation per send (30).
    assert.ok(used >= DEVICES && used <= DEVICES * 3, `${DEVICES * ROUNDS} readings stored in ${used} mutations of readings_raw`)
    assert.ok(proc.counters.checkpoints >= 1, 'stored by a checkpoint')
  } finally {
    await producer.disconnect().catch(() => {})
    await proc.stop()
    await f.destroy()
  }
})
