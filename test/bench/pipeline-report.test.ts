import assert from 'node:assert/strict'
import { cpus } from 'node:os'
import { test } from 'node:test'
import { parsePipelineFlags } from '../../bench/lib/pipeline-flags.ts'
import { confirmationRates } from '../../bench/lib/confirmation-rates.ts'
import { pipelineMarkdown, type PipelineReport, type StepResult } from '../../bench/lib/pipeline-report.ts'

const step = (rate: number, acked: number): StepResult => ({
  rate, seconds: 20, ackedPerSecond: acked, connected: 1000, failed: 0, pubackP50Ms: 10, pubackP99Ms: 200, lagP95S: 0.4, lagMaxS: 0.9, lagEndS: 0.1,
  committedLagP95S: 4, backlogMax: 100, backlogEnd: 0, machineBusyPercent: 90, pass: true,
})

test('CPU per acknowledged reading per component, and the ceiling their sum (without the load generator) implies', () => {
  const r: PipelineReport = {
    startedAt: new Date(0), argv: [], flags: parsePipelineFlags([]), allowedLatenessMs: 10_000,
    criteria: { minAckedShare: 0.97, maxLagS: 1, maxBacklogS: 1 },
    steps: [step(5_000, 5_000)], best: 5_000, confirmations: [step(5_000, 5_000)],
    components: [
      { component: 'Cassandra (JVM)', pid: 1, cpuPercent: 65, rssPeakMiB: 1, rssLastMiB: 1 },
      { component: 'gateway', pid: 2, cpuPercent: 43, rssPeakMiB: 1, rssLastMiB: 1 },
      { component: 'load generator (this process)', pid: 3, cpuPercent: 25, rssPeakMiB: 1, rssLastMiB: 1 },
    ],
    latency: undefined, mosquitto: { devices: 1, connected: 1, completed: 1, failed: 0, perSecond: 50_000, p50Ms: 1, p99Ms: 2, maxMs: 3 },
    kafkaPerf: { perSecond: 150_000, p50Ms: 1, p99Ms: 2, line: '', recordBytes: 247, records: 1 }, cpuModel: 'test',
  }
  const md = pipelineMarkdown(r)
  assert.match(md, /\| Cassandra \(JVM\) \| 65 \| 130 \|/) // 65 % of a core at 5,000/s = 130 µs each
  assert.match(md, /\| gateway \| 43 \| 86 \|/)
  const ceiling = Math.round((cpus().length * 1e6) / 216).toLocaleString('en')
  assert.ok(md.includes(`216 µs of CPU per reading at this rate, so ${cpus().length} cores doing nothing else carry about ${ceiling} readings/s`), md)
})

test('a missed confirmation is run again 5 % and 10 % lower (to 250/s); with no step sustained, the last rate tried once', () => {
  assert.deepEqual(confirmationRates(23_000, 24_000), [23_000, 21_750, 20_750])
  assert.deepEqual(confirmationRates(20_000, 22_500), [20_000, 19_000, 18_000])
  assert.deepEqual(confirmationRates(undefined, 5_000), [5_000])
  assert.deepEqual(confirmationRates(250, 500), [250], 'no rate below the resolution, none repeated')
})

test('the report lists every confirmation run when the first was not sustained; the table is the last', () => {
  const missed = { ...step(23_000, 22_343), seconds: 300, pass: false, backlogEnd: 43_430 }
  const held = { ...step(21_750, 21_700), seconds: 300 }
  const base = {
    startedAt: new Date(0), argv: [], flags: parsePipelineFlags([]), allowedLatenessMs: 10_000,
    criteria: { minAckedShare: 0.97, maxLagS: 1, maxBacklogS: 1 }, steps: [step(23_000, 23_000)], best: 23_000,
    components: [], latency: undefined, mosquitto: { devices: 1, connected: 1, completed: 1, failed: 0, perSecond: 90_000, p50Ms: 1, p99Ms: 2, maxMs: 3 },
    kafkaPerf: { perSecond: 150_000, p50Ms: 1, p99Ms: 2, line: '', recordBytes: 247, records: 1 }, cpuModel: 'test',
  }
  const md = pipelineMarkdown({ ...base, confirmations: [missed, held] })
  assert.ok(md.includes('23,000/s not sustained (22,343 acked/s, lag p95 0.4 s, 43,430 awaiting PUBACK at the end); 21,750/s sustained'), md)
  assert.match(md, /sustained 300 s \(offered 21,750\/s\) \| 21,700 acked\/s, sustained \| ≥ 20,000 \| ✓ met/)
  const once = pipelineMarkdown({ ...base, confirmations: [held] })
  assert.ok(!once.includes('Confirmation runs'), 'one run: no list')
})
