// The pipeline benchmark's results: bench/results/pipeline.json (everything measured) and
// bench/results/pipeline.md (the tables the README links to, also printed). Targets are marked
// met or missed in the table; missing one is a result, not an error.
import { writeFileSync } from 'node:fs'
import { cpus, loadavg, totalmem } from 'node:os'
import { join } from 'node:path'
import type { LoadResult } from './mqtt-load.ts'
import type { PipelineFlags } from './pipeline-flags.ts'
import type { ComponentUsage } from './proc-stats.ts'
import { writeResults } from './results.ts'
import { Value } from '@sinclair/typebox/value'
import { ProcessorSettings } from '../../processor/config.ts'
import type { WindowLatencyResult } from './window-latency.ts'

/** The processor runs with its defaults: the checkpoint interval (the committed offset follows it) and windows. */
const PROCESSOR_DEFAULTS = Value.Default(ProcessorSettings, {}) as ProcessorSettings
const PROCESSOR_CHECKPOINT_S = PROCESSOR_DEFAULTS.checkpointIntervalMs / 1_000
export const PRODUCT_WINDOWS_MS: readonly number[] = PROCESSOR_DEFAULTS.windowSizesMs

export interface StepResult {
  rate: number
  seconds: number
  ackedPerSecond: number
  connected: number
  failed: number
  pubackP50Ms: number
  pubackP99Ms: number
  lagP95S: number
  lagMaxS: number
  lagEndS: number
  committedLagP95S: number
  backlogMax: number
  backlogEnd: number
  machineBusyPercent: number
  pass: boolean
}

export interface PipelineReport {
  startedAt: Date
  argv: string[]
  flags: PipelineFlags
  allowedLatenessMs: number
  criteria: { minAckedShare: number; maxLagS: number; maxBacklogS: number }
  steps: StepResult[]
  best: number | undefined
  /** every confirmation run in order (confirmation-rates.ts, at least one); the last is the result */
  confirmations: StepResult[]
  components: ComponentUsage[]
  latency: WindowLatencyResult | undefined
  mosquitto: LoadResult
  kafkaPerf: { perSecond: number; p50Ms: number; p99Ms: number; line: string; recordBytes: number; records: number }
  cpuModel: string
}

const TARGET_RATE = 20_000
/** The confirmation run that is the result: the first sustained, or the last tried. */
const lastConfirmation = (r: PipelineReport): StepResult => {
  const c = r.confirmations.at(-1)
  if (!c) throw new Error('a pipeline report needs at least one confirmation run')
  return c
}
const n = (x: number): string => (Number.isFinite(x) ? Math.round(x).toLocaleString('en') : '-')
const mark = (ok: boolean): string => (ok ? '✓ met' : '✗ missed')

function table(header: string[], rows: Array<Array<string | number>>): string {
  const lines = [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`]
  for (const r of rows) lines.push(`| ${r.map(String).join(' | ')} |`)
  return lines.join('\n')
}

export function pipelineMarkdown(r: PipelineReport): string {
  const c = lastConfirmation(r)
  // Ratios use what the confirmation run got acknowledged, sustained or not (the row above says which).
  const achieved = c.ackedPerSecond
  const ratio = (a: number, b: number): string => (b > 0 ? `${(a / b).toFixed(2)} ×` : '-')
  const lat = r.latency
  const summary = table(
    ['figure', 'measured', 'target / reference', ''],
    [
      [`QoS 1 readings/s sustained ${r.flags.durationMs / 1000} s (offered ${n(c.rate)}/s)`, `${n(c.ackedPerSecond)} acked/s, ${c.pass ? 'sustained' : 'not sustained'}`, `≥ ${n(TARGET_RATE)}`, mark(c.pass && c.rate >= TARGET_RATE)],
      ['consumer lag p95 / max / at end (consumed vs high watermark)', `${c.lagP95S} / ${c.lagMaxS} / ${c.lagEndS} s`, `< ${r.criteria.maxLagS} s`, mark(c.lagP95S < r.criteria.maxLagS && c.lagEndS < r.criteria.maxLagS)],
      [`committed-offset lag p95 (the processor commits after each checkpoint, every ${PROCESSOR_CHECKPOINT_S} s)`, `${c.committedLagP95S} s`, 'information', ''],
      ['PUBACK p50 / p99 (acks=all)', `${c.pubackP50Ms} / ${c.pubackP99Ms} ms`, 'information', ''],
      [
        `publish of the window-closing reading → window visible through the API, p50 / p99 (${lat?.windows ?? 0} windows of ${r.flags.latencyWindowMs / 1000} s)`,
        lat && lat.windows > 0 ? `${n(lat.p50Ms)} / ${n(lat.p99Ms)} ms (max ${n(lat.maxMs)}, missing ${lat.missing < 0 ? 'n/a: < 3 readings per window per device' : lat.missing})` : 'no window seen',
        'information',
        '',
      ],
      [
        `same from the window's end (adds the ${r.allowedLatenessMs / 1000} s allowed lateness, by design)`,
        lat && lat.windows > 0 ? `${n(lat.p50Ms + r.allowedLatenessMs)} / ${n(lat.p99Ms + r.allowedLatenessMs)} ms` : '-',
        'information',
        '',
      ],
      ['Mosquitto (MQTT only), same load generator, QoS 1, closed loop', `${n(r.mosquitto.perSecond)} acked/s (PUBACK p99 ${r.mosquitto.p99Ms} ms)`, `pipeline = ${ratio(achieved, r.mosquitto.perSecond)}`, 'ceiling'],
      [`Kafka ProducerPerformance, acks=all, ${r.kafkaPerf.recordBytes} B records`, `${n(r.kafkaPerf.perSecond)} records/s (p99 ${r.kafkaPerf.p99Ms} ms)`, `pipeline = ${ratio(achieved, r.kafkaPerf.perSecond)}`, 'ceiling'],
    ],
  )
  // CPU per acknowledged reading is steadier than a rate on a shared machine, and its sum says
  // what this machine can carry at most: every core busy with nothing but the pipeline.
  const perReading = (cpuPercent: number): number => (achieved > 0 ? Math.round((cpuPercent * 10_000) / achieved) : 0)
  const pipelineUs = r.components.filter((u) => !u.component.startsWith('load generator')).reduce((a, u) => a + perReading(u.cpuPercent), 0)
  const components = table(
    ['component', 'CPU (% of one core)', 'CPU µs per acked reading', 'RSS peak MiB', 'RSS at end MiB'],
    r.components.map((u) => [u.component, u.cpuPercent, perReading(u.cpuPercent), u.rssPeakMiB, u.rssLastMiB]),
  )
  const ceiling =
    pipelineUs > 0
      ? `Pipeline without the load generator: ${n(pipelineUs)} µs of CPU per reading at this rate, so ${cpus().length} cores doing nothing else carry about ` +
        `${n(Math.round((cpus().length * 1e6) / pipelineUs))} readings/s (somewhat more in practice: fixed costs spread over more readings at higher rates); ` +
        `the target needs ≤ ${n(Math.round((cpus().length * 1e6) / TARGET_RATE))} µs per reading.`
      : ''
  const steps = table(
    ['offered/s', 'acked/s', 'failed', 'lag p95 s', 'lag end s', 'committed lag p95 s', 'PUBACK p50 / p99 ms', 'PUBACK backlog max / end', 'machine CPU busy', 'sustained'],
    r.steps.map((s) => [n(s.rate), n(s.ackedPerSecond), n(s.failed), s.lagP95S, s.lagEndS, s.committedLagP95S, `${s.pubackP50Ms} / ${s.pubackP99Ms}`, `${n(s.backlogMax)} / ${n(s.backlogEnd)}`, `${s.machineBusyPercent} %`, s.pass ? 'yes' : 'no']),
  )
  // Earlier confirmation runs, when the best step's rate did not hold for the whole duration.
  const attempts =
    r.confirmations.length > 1
      ? `Confirmation runs, each ${r.flags.durationMs / 1000} s, in order (the best rate of the search, then 5 % and 10 % lower until one is sustained): ` +
        r.confirmations
          .map((s) => `${n(s.rate)}/s ${s.pass ? 'sustained' : 'not sustained'} (${n(s.ackedPerSecond)} acked/s, lag p95 ${s.lagP95S} s, ${n(s.backlogEnd)} awaiting PUBACK at the end)`)
          .join('; ') +
        '. The table above is the last.'
      : ''
  const [l1, l5] = loadavg()
  return [
    '# Pipeline benchmark (`npm run bench -- pipeline`)',
    '',
    `Run ${r.startedAt.toISOString()}, \`npm run bench -- pipeline${r.argv.length ? ` ${r.argv.join(' ')}` : ''}\`. Machine: ${cpus().length} cores (${r.cpuModel}), ` +
      `${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, load average at the end ${l1?.toFixed(1)} / ${l5?.toFixed(1)} (1 / 5 min). ` +
      'Everything on this one machine over loopback: Kafka, Cassandra (a private instance on free ports, default heaps 512 MiB / 1 GiB), ' +
      `gateway, processor, API and the load generator (${r.flags.devices} MQTT connections, QoS 1, native JSON stamped with the time its publish was due, up to 2 s of publishes in flight each).`,
    '',
    summary,
    '',
    ...(attempts ? [attempts, ''] : []),
    `CPU and RSS per process during the ${r.flags.durationMs / 1000} s confirmation (/proc/<pid>/stat and status):`,
    '',
    components,
    '',
    ceiling,
    '',
    `Search (${r.flags.stepMs / 1000} s steps after a 5 s warm-up; sustained = ≥ ${r.criteria.minAckedShare * 100} % of the offered rate acknowledged, ` +
      `lag p95 and lag at the end < ${r.criteria.maxLagS} s, at most ${r.criteria.maxBacklogS} s of publishes waiting for a PUBACK at the end):`,
    '',
    steps,
    '',
    'How it is measured: consumer lag is the high watermarks of `iot.readings` minus the records the processor has processed ' +
      '(its `/metrics`), sampled every second and divided by the acknowledged rate (the rate entering Kafka); the committed-offset lag is shown beside it. ' +
      (PRODUCT_WINDOWS_MS.includes(r.flags.latencyWindowMs)
        ? `Latency: the processor runs with the product's windows (1 min and 1 h); the probe watches the ${r.flags.latencyWindowMs / 1000} s ones, and `
        : `Latency: the processor runs with an extra ${r.flags.latencyWindowMs / 1000} s window next to the product's 1 min and 1 h (for every device: more rows to write), and `) +
      `${r.flags.latencyDevices} devices' windows are polled through \`GET /api/devices/:id/windows\` every 200 ms (API read cache on, as users get it). ` +
      `A window closes once a reading stamped ${r.allowedLatenessMs / 1000} s (the allowed lateness) after its end has been processed; ` +
      'readings carry the time their publish was due (\`ts\`; sent then, or later if the load generator ran late), so "window end + lateness → first seen in the API" is the time from the (due) publish of the first reading ' +
      'that can close the window to the window being served. Ratios to the ceilings use the confirmation run\'s acknowledged rate. References run in the same invocation with the pipeline idle.',
    '',
  ].join('\n')
}

export function writePipelineReport(r: PipelineReport): void {
  const md = pipelineMarkdown(r)
  const json = writeResults('pipeline', {
    argv: r.argv,
    flags: r.flags,
    loopback: true,
    targets: { sustainedReadingsPerSecond: TARGET_RATE, ...r.criteria },
    best: r.best ?? null,
    confirmation: lastConfirmation(r),
    confirmations: r.confirmations,
    latency: r.latency ?? null,
    allowedLatenessMs: r.allowedLatenessMs,
    components: r.components,
    steps: r.steps,
    references: { mosquitto: r.mosquitto, kafkaProducerPerformance: r.kafkaPerf },
  })
  const mdFile = join(json, '..', 'pipeline.md')
  writeFileSync(mdFile, md)
  console.log(md)
  console.log(`written to ${json} and ${mdFile}`)
}
