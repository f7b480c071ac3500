// Kafka's own producer benchmark (org.apache.kafka.tools.ProducerPerformance, from the fetched
// Kafka jars) as the Kafka ceiling of a benchmark: acks=all like every producer of the product.
// Run as a child process (not spawnSync) so Ctrl-C still reaches the benchmark's clean-up.
import { spawn } from 'node:child_process'
import { javaCommand } from '../../local-stack/preflight.ts'
import { libDir } from '../../local-stack/fetch-jars.ts'

export interface ProducerPerfResult {
  perSecond: number
  p50Ms: number
  p99Ms: number
  /** the tool's summary line, kept verbatim in the results */
  line: string
}

export async function kafkaProducerPerf(o: { cacheDir: string; brokers: string; topic: string; records: number; recordSize: number }): Promise<ProducerPerfResult> {
  const args = [
    '-Xmx512m',
    '-cp',
    `${libDir(o.cacheDir, 'kafka')}/*`,
    'org.apache.kafka.tools.ProducerPerformance',
    '--topic',
    o.topic,
    '--num-records',
    String(o.records),
    '--record-size',
    String(o.recordSize),
    '--throughput',
    '-1',
    '--producer-props',
    `bootstrap.servers=${o.brokers}`,
    'acks=all',
    'linger.ms=2',
  ]
  const child = spawn(javaCommand(), args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d: Buffer) => (out += d.toString()))
  child.stderr.on('data', (d: Buffer) => (out += d.toString()))
  const code = await new Promise<number | null>((resolve) => {
    child.once('exit', (c) => resolve(c))
    child.once('error', () => resolve(null))
  })
  const line = out.trim().split('\n').filter((l) => l.includes('records sent')).at(-1) ?? ''
  // "N records sent, R records/sec (M MB/sec), A ms avg latency, X ms max latency, P50 ms 50th, P95 ms 95th, P99 ms 99th, …"
  const m = /([\d.]+) records\/sec.*?(\d+) ms 50th.*?(\d+) ms 99th/.exec(line)
  if (code !== 0 || !m) throw new Error(`BENCH_ERR_KAFKA_PERF: ProducerPerformance exited ${code}: ${(line || out).slice(-400)}`)
  return { perSecond: Math.round(Number(m[1])), p50Ms: Number(m[2]), p99Ms: Number(m[3]), line }
}
