// `npm run bench -- processor [--readings N] [--devices D] [--raw on|off|both]`
// Readings/s from Kafka to stored results for one processor instance, with raw storage off and on,
// and the delay from a window's close (the watermark passing its end) to its row being durable in
// Cassandra (p50/p99). The readings are produced first (not timed); the clock runs from the first
// record consumed to the last offset checkpointed. Targets (issue 5): ≥ 50,000/s raw off,
// ≥ 10,000/s raw on, p99 close→durable ≤ 2 s. Uses IOT_KAFKA_BROKERS / IOT_CASSANDRA_CONTACT_POINTS
// (default: the local stack), in a keyspace and topic of its own that are dropped afterwards.
import { mkdirSync, writeFileSync } from 'node:fs'
import { cpus, totalmem } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Type } from '@sinclair/typebox'
import { Kafka } from 'kafkajs'
import { CassandraConnection, createCassandraClient } from '../config/cassandra-connection.ts'
import { KafkaConnection, kafkaClientConfig } from '../config/kafka-connection.ts'
import { loadConfig } from '../config/load-config.ts'
import { provisionSchema } from '../provision/provision.ts'
import { ProcessorConfig } from '../processor/config.ts'
import { startProcessor } from '../processor/processor.ts'
import { createTopicsReady } from '../provision/topic-leaders.ts'
import { benchFlags } from './lib/bench-flags.ts'

const here = dirname(fileURLToPath(import.meta.url))
const Flags = Type.Object({
  readings: Type.Integer({ minimum: 1, default: 200_000, description: 'readings produced for the raw-off run (the raw-on run takes at most 100,000)' }),
  devices: Type.Integer({ minimum: 1, default: 1000, description: 'devices the readings are spread over' }),
  raw: Type.Union([Type.Literal('both'), Type.Literal('on'), Type.Literal('off')], { default: 'both', description: 'raw storage off, on, or both runs' }),
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
})
const uid = (): string => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`

interface Row {
  scenario: string
  readings: number
  seconds: number
  readingsPerSecond: number
  target: number
  closeToDurableP50Ms: number
  closeToDurableP99Ms: number
  windowsClosed: number
  cassandraWrites: number
}

async function runOnce(conn: { kafka: KafkaConnection; cassandra: CassandraConnection }, raw: boolean, readings: number, devices: number): Promise<Row> {
  const keyspace = `bench_proc_${uid()}`
  const topic = `bench.readings.${uid()}`
  const cass = { ...conn.cassandra, keyspace }
  await provisionSchema({ cassandra: cass })
  const kafka = new Kafka(kafkaClientConfig(conn.kafka, 'bench-processor'))
  const admin = kafka.admin()
  await admin.connect()
  await createTopicsReady(admin, [{ topic, numPartitions: 6 }, { topic: `${topic}.dlq` }, { topic: `${topic}.anomalies` }])
  // 1 reading/s per device, in device time order, starting 3 days ago
  const t0 = Math.floor((Date.now() - 3 * 86_400_000) / 3_600_000) * 3_600_000
  const producer = kafka.producer()
  await producer.connect()
  const perDevice = Math.ceil(readings / devices)
  let sent = 0
  for (let s = 0; s < perDevice && sent < readings; s += 1) {
    const batch = []
    for (let d = 0; d < devices && sent < readings; d++, sent++) {
      const t = t0 + s * 1_000 + (d % 997)
      const reading = {
        deviceId: `bench-${d}`,
        seq: s,
        seqSource: 'device',
        boot: 1,
        eventTime: t,
        receivedAt: t + 40,
        timeSource: 'device',
        sensor: 'bme280',
        dialect: 'native',
        metrics: { temperature: 21 + Math.sin(s / 60 + d) * 2, humidity: 45 + Math.cos(s / 90 + d) * 5, pressure: 1013 + Math.sin(s / 600) * 3 },
        battery: 3.9,
        rssi: -60,
      }
      batch.push({ key: reading.deviceId, value: JSON.stringify(reading) })
    }
    await producer.send({ topic, acks: -1, messages: batch })
  }
  await producer.disconnect()

  const cfg = loadConfig(ProcessorConfig, {
    argv: [
      `--kafka-brokers=${conn.kafka.brokers.join(',')}`,
      `--cassandra-contact-points=${conn.cassandra.contactPoints.join(',')}`,
      `--cassandra-keyspace=${keyspace}`,
      `--processor-group-id=bench-${uid()}`,
      `--processor-readings-topic=${topic}`,
      `--processor-dlq-topic=${topic}.dlq`,
      `--processor-anomalies-topic=${topic}.anomalies`,
      `--processor-raw-storage=${raw}`,
      '--processor-http-port=0',
      '--processor-log-level=warn',
      '--processor-idle-timeout-ms=600000',
      '--processor-device-events-topic=',
    ],
    env: {},
  })
  const proc = await startProcessor(cfg)
  let firstAt = 0
  const started = Date.now()
  const offsets = await admin.fetchTopicOffsets(topic)
  const high = new Map(offsets.map((o) => [o.partition, BigInt(o.high)]))
  const client = createCassandraClient(cass)
  let doneAt = 0
  try {
    for (;;) {
      if (!firstAt && proc.counters.records > 0) firstAt = Date.now()
      if (proc.counters.records >= readings) {
        const rs = await client.execute('SELECT partition, next_offset FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition IN (0,1,2,3,4,5)', [cfg.processor.groupId, topic])
        const done = rs.rows.length === 6 && rs.rows.every((r) => BigInt(String(r.get('next_offset'))) >= (high.get(r.get('partition') as number) ?? 0n))
        if (done) {
          doneAt = Date.now()
          break
        }
      }
      if (Date.now() - started > 600_000) throw new Error(`bench timed out at ${proc.counters.records} records`)
      await new Promise((r) => setTimeout(r, 20))
    }
  } finally {
    await proc.stop()
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`).catch(() => {})
    await client.shutdown()
    await admin.deleteTopics({ topics: [topic, `${topic}.dlq`, `${topic}.anomalies`] }).catch(() => {})
    await admin.disconnect()
  }
  const seconds = (doneAt - firstAt) / 1_000
  return {
    scenario: raw ? 'raw storage on' : 'raw storage off',
    readings,
    seconds: Math.round(seconds * 100) / 100,
    readingsPerSecond: Math.round(readings / seconds),
    target: raw ? 10_000 : 50_000,
    closeToDurableP50Ms: Math.round(proc.closeToDurable.quantile(0.5) * 1_000),
    closeToDurableP99Ms: Math.round(proc.closeToDurable.quantile(0.99) * 1_000),
    windowsClosed: proc.counters.windowsClosed,
    cassandraWrites: proc.store.writes,
  }
}

export default async function bench(argv: string[]): Promise<void> {
  const flags = benchFlags(Flags, argv, 'npm run bench -- processor [flags]')
  if (!flags) return
  const { readings, devices, raw: which } = flags
  const conn = { kafka: flags.kafka, cassandra: flags.cassandra }
  const rows: Row[] = []
  if (which !== 'on') rows.push(await runOnce(conn, false, readings, devices))
  if (which !== 'off') rows.push(await runOnce(conn, true, Math.min(readings, 100_000), devices))
  console.log('\nprocessor: Kafka → stored results, one instance')
  console.log('| scenario | readings | seconds | readings/s | target | close→durable p50 | p99 | windows closed | Cassandra writes |')
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) {
    console.log(
      `| ${r.scenario} | ${r.readings.toLocaleString('en')} | ${r.seconds} | ${r.readingsPerSecond.toLocaleString('en')} | ≥ ${r.target.toLocaleString('en')} ${r.readingsPerSecond >= r.target ? '✓' : '✗'} | ${r.closeToDurableP50Ms} ms | ${r.closeToDurableP99Ms} ms ${r.closeToDurableP99Ms <= 2_000 ? '✓' : '✗'} | ${r.windowsClosed.toLocaleString('en')} | ${r.cassandraWrites.toLocaleString('en')} |`,
    )
  }
  const out = join(here, 'results', 'processor.json')
  mkdirSync(dirname(out), { recursive: true })
  writeFileSync(
    out,
    `${JSON.stringify({ at: new Date().toISOString(), machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30) }, devices, rows }, null, 2)}\n`,
  )
  console.log(`\nwritten to ${out}`)
}
