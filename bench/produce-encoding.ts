// npm run bench -- produce-encoding [--records 500,2000,10000] [--repeats 15]
// CPU per record of building a Produce request, KafkaJS 2.2.4's own modules against ours
// (kafka-client/lean-produce-request.ts, group-messages-per-partition.ts), in the same process on
// gateway-shaped batches: 1,000 device-id keys, one ~230-byte JSON reading as value, six partitions
// (the shape kafka-client/durable-send.ts hands KafkaJS). Both encoders must also agree byte for
// byte on every batch measured, or the benchmark fails. No Kafka needed: encoding is all it times.
import { createRequire } from 'node:module'
import { Type } from '@sinclair/typebox'
import { groupMessagesPerPartition } from '../kafka-client/group-messages-per-partition.ts'
import { leanProduceRequest, type ProduceRequestFactory } from '../kafka-client/lean-produce-request.ts'
import { benchFlags } from './lib/bench-flags.ts'
import { printTable, writeResults, type Row } from './lib/results.ts'

const Flags = Type.Object({
  records: Type.Array(Type.Integer({ minimum: 1, maximum: 100_000 }), { minItems: 1, default: [500, 2_000, 10_000], description: 'records per produce request, comma-separated' }),
  repeats: Type.Integer({ minimum: 3, maximum: 1_000, default: 15, description: 'timed encodings per size and encoder (the median is reported)' }),
})

const require = createRequire(import.meta.url)
const kafkajsV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as ProduceRequestFactory
const kafkajsGroup = require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof groupMessagesPerPartition
const leanV3 = leanProduceRequest(kafkajsV3)
const PARTITIONS = 6

const value = JSON.stringify({
  deviceId: 'sim-0001', boot: 3, seq: 123456, ts: '2026-12-06T02:00:00.000Z', receivedAt: '2026-12-06T02:00:00.010Z', dialect: 'native',
  sensor: 'bme280', metrics: { temperature: 21.53, humidity: 45.208, pressure: 1013.2512 }, battery: 3.91, rssi: -61, flags: [],
})

function messages(n: number): Array<{ key: string; value: string; partition: number }> {
  return Array.from({ length: n }, (_, i) => ({ key: `sim-${String(i % 1000).padStart(4, '0')}`, value, partition: i % PARTITIONS }))
}

function produceArgs(n: number) {
  const grouped = groupMessagesPerPartition({ topic: 'iot.readings', partitionMetadata: [{}], messages: messages(n), partitioner: ({ message }) => message.partition })
  const partitions = Object.entries(grouped).map(([p, ms]) => ({ partition: Number(p), firstSequence: 0, messages: ms }))
  return { acks: -1, timeout: 30_000, topicData: [{ topic: 'iot.readings', partitions }] }
}

async function encodeBytes(factory: ProduceRequestFactory, n: number): Promise<Buffer> {
  const realNow = Date.now
  Date.now = () => 1_765_000_000_000
  try {
    return Buffer.from(((await factory(produceArgs(n)).encode()) as unknown as { buffer: Buffer }).buffer)
  } finally {
    Date.now = realNow
  }
}

/** median µs per record over `repeats` timed runs (after one warm-up) */
async function usPerRecord(n: number, repeats: number, run: () => unknown): Promise<number> {
  await run()
  const samples: number[] = []
  for (let i = 0; i < repeats; i++) {
    const t0 = process.hrtime.bigint()
    await run()
    samples.push(Number(process.hrtime.bigint() - t0) / 1_000 / n)
  }
  samples.sort((a, b) => a - b)
  return Number((samples[Math.floor(samples.length / 2)] as number).toFixed(3))
}

export default async function bench(argv: string[]): Promise<void> {
  const flags = benchFlags(Flags, argv, 'npm run bench -- produce-encoding [flags]')
  if (!flags) return
  const rows: Row[] = []
  for (const n of flags.records) {
    const same = (await encodeBytes(kafkajsV3, n)).equals(await encodeBytes(leanV3, n))
    if (!same) throw new Error(`the encoders disagree on a ${n}-record request: see test/kafka-client/lean-produce-request.test.ts`)
    const args = produceArgs(n)
    const ms = messages(n)
    const groupArgs = { topic: 'iot.readings', partitionMetadata: [{}], messages: ms, partitioner: ({ message }: { message: { partition: number } }) => message.partition }
    const kEncode = await usPerRecord(n, flags.repeats, () => kafkajsV3(args).encode())
    const lEncode = await usPerRecord(n, flags.repeats, () => leanV3(args).encode())
    const kGroup = await usPerRecord(n, flags.repeats, () => kafkajsGroup(groupArgs))
    const lGroup = await usPerRecord(n, flags.repeats, () => groupMessagesPerPartition(groupArgs))
    rows.push({
      'records/request': n,
      'KafkaJS encode µs/record': kEncode,
      'ours µs/record': lEncode,
      'encode ratio': Number((kEncode / lEncode).toFixed(1)),
      'KafkaJS group µs/record': kGroup,
      'ours group µs/record': lGroup,
      'same bytes': same ? 'yes' : 'NO',
    })
  }
  printTable(rows)
  console.log(`\nwrote ${writeResults('produce-encoding', { flags, partitions: PARTITIONS, valueBytes: Buffer.byteLength(value), rows })}`)
}
