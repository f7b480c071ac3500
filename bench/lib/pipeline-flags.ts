// Flags of `npm run bench -- pipeline`, validated all at once: a bad flag is a clear error with a
// stable code (BENCH_ERR_BAD_FLAG), never a crash half-way through starting the stack.

export interface PipelineFlags {
  /** confirmation run at the best rate found, ms */
  durationMs: number
  /** unjudged load at the first rate before the search, ms */
  warmupMs: number
  /** each search step's measured part (after its warm-up), ms */
  stepMs: number
  devices: number
  /** rates tried in order, readings/s; the search stops at the first one not sustained */
  rates: number[]
  /** size of the extra short window the latency probe watches, ms */
  latencyWindowMs: number
  latencyDevices: number
  /** Mosquitto reference run, ms */
  referenceMs: number
  kafkaPerfRecords: number
  quick: boolean
}

export const pipelineUsage = `npm run bench -- pipeline [flags]

Starts a private Kafka + Cassandra (free ports, own dir), the gateway, processor and API, then
searches for the highest QoS 1 rate the whole pipeline sustains (short steps at rising rates), and
confirms it for --duration. Also: publish → window visible through the API (p50/p99), CPU and RSS
per component, and in the same run Mosquitto (MQTT only) and Kafka's ProducerPerformance as
ceilings. Writes bench/results/pipeline.json and pipeline.md.

  --duration <t>            confirmation run at the best rate (default 5m; 60s with --quick); if that
                            rate is not sustained, again 5 % and then 10 % lower
  --warmup <t>              unjudged load at the first rate before the search (default 60s; 10s with --quick)
  --step <t>                measured part of each search step (default 20s; 15s with --quick)
  --devices <n>             MQTT connections of the load generator (default 1000)
  --rates <a,b,…>           rates to try, readings/s (default: --start-rate, + --rate-step … up to --max-rate)
  --start-rate <n>          first rate of the search (default 5000)
  --rate-step <n>           increment between steps (default 2500)
  --max-rate <n>            last rate tried (default 40000)
  --latency-window <t>      window size the latency probe polls through the API (default 1m, a product
                            window; another size is added for every device, more rows to write)
  --latency-devices <n>     devices polled for windows (default 20)
  --reference <t>           Mosquitto reference run (default 15s; 10s with --quick)
  --kafka-perf-records <n>  records for ProducerPerformance (default 1000000; 300000 with --quick)
  --quick                   shorter everything, for checking the benchmark itself
Times: 90, 90s, 1500ms, 5m.`

export class BenchFlagError extends Error {
  readonly code = 'BENCH_ERR_BAD_FLAG'
}

const KNOWN = new Set(['duration', 'warmup', 'step', 'devices', 'rates', 'start-rate', 'rate-step', 'max-rate', 'latency-window', 'latency-devices', 'reference', 'kafka-perf-records', 'quick', 'help'])

function parseTime(name: string, raw: string, problems: string[]): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw)
  if (!m) {
    problems.push(`--${name}: "${raw}" is not a time (90, 90s, 1500ms, 5m)`)
    return -1 // already reported: the range checks below skip it
  }
  return Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[m[2] ?? 's']!)
}

function parseCount(name: string, raw: string, min: number, max: number, problems: string[]): number {
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) problems.push(`--${name}: "${raw}" is not an integer in [${min}, ${max}]`)
  return n
}

export function parsePipelineFlags(argv: readonly string[]): PipelineFlags {
  const given = new Map<string, string>()
  const problems: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (!a.startsWith('--')) {
      problems.push(`unexpected argument "${a}"`)
      continue
    }
    const eq = a.indexOf('=')
    const name = eq === -1 ? a.slice(2) : a.slice(2, eq)
    if (!KNOWN.has(name)) problems.push(`unknown flag --${name}`)
    if (name === 'quick' || name === 'help') given.set(name, 'true')
    else if (eq !== -1) given.set(name, a.slice(eq + 1))
    else if (argv[i + 1] === undefined || (argv[i + 1] as string).startsWith('--')) problems.push(`--${name} needs a value`)
    else given.set(name, argv[++i] as string)
  }
  const quick = given.has('quick')
  const time = (name: string, dflt: string): number => parseTime(name, given.get(name) ?? dflt, problems)
  const count = (name: string, dflt: number, min: number, max: number): number => parseCount(name, given.get(name) ?? String(dflt), min, max, problems)
  const flags: PipelineFlags = {
    durationMs: time('duration', quick ? '60s' : '5m'),
    // 60 s: the JVMs' JIT compilers still took up to half of Cassandra's and Kafka's CPU two minutes
    // in, and after 20 s the first step often failed at a rate later steps held (then the bisection
    // searched below the ceiling, each step starting with the backlog of the one before).
    warmupMs: time('warmup', quick ? '10s' : '60s'),
    stepMs: time('step', quick ? '15s' : '20s'),
    devices: count('devices', 1000, 1, 20_000),
    rates: [],
    latencyWindowMs: time('latency-window', '1m'),
    latencyDevices: count('latency-devices', 20, 1, 50),
    referenceMs: time('reference', quick ? '10s' : '15s'),
    kafkaPerfRecords: count('kafka-perf-records', quick ? 300_000 : 1_000_000, 1_000, 100_000_000),
    quick,
  }
  if (given.has('rates')) {
    flags.rates = (given.get('rates') as string).split(',').map((r) => parseCount('rates', r.trim(), 1, 1_000_000, problems))
  } else {
    const start = count('start-rate', 5_000, 1, 1_000_000)
    const step = count('rate-step', 2_500, 1, 1_000_000)
    const max = count('max-rate', 40_000, 1, 1_000_000)
    for (let r = start; r <= max; r += step) flags.rates.push(r)
    if (flags.rates.length === 0) problems.push('--max-rate is below --start-rate: no rate to try')
  }
  if (flags.durationMs >= 0 && flags.durationMs < 10_000) problems.push('--duration must be at least 10s')
  if (flags.stepMs >= 0 && flags.stepMs < 5_000) problems.push('--step must be at least 5s')
  if (flags.referenceMs >= 0 && flags.referenceMs < 2_000) problems.push('--reference must be at least 2s')
  // The processor's window sizes must divide a UTC day (processor/config.ts).
  if (flags.latencyWindowMs < 1_000 || flags.latencyWindowMs % 1_000 !== 0 || 86_400_000 % flags.latencyWindowMs !== 0) {
    problems.push('--latency-window must be whole seconds that divide a day (1s, 2s, 5s, 10s, 30s, 1m …)')
  }
  if (problems.length > 0) throw new BenchFlagError(`BENCH_ERR_BAD_FLAG: ${problems.join('; ')}\n\n${pipelineUsage}`)
  return flags
}
