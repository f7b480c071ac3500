// `npm run sim:fidelity`: the datasheet figure beside the simulated one for every channel and
// failure mode of a profile, from ≥ 100k simulated samples per figure.
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import { measureDrift, measureFailureRates, measureMinInterval, measureNoise, measureQuantStep } from './measure.ts'

export interface FidelityRow {
  channel: string
  figure: string
  datasheet: string
  simulated: string
  source: string
}

const fmt = (x: number): string => (x === 0 ? '0' : Math.abs(x) < 0.001 || Math.abs(x) >= 1e5 ? x.toExponential(2) : Number(x.toPrecision(4)).toString())

export function fidelityRows(profile: FirmwareProfile, samples: number, seed: number): FidelityRow[] {
  const rows: FidelityRow[] = []
  profile.channels.forEach((ch, i) => {
    const n = measureNoise(profile, i, samples, seed)
    const est = (e?: boolean): string => (e ? ' [estimate]' : '')
    rows.push({
      channel: ch.metric,
      figure: `noise σ (${ch.unit})`,
      datasheet: fmt(ch.noiseSigma.value),
      simulated: `${fmt(n.sigma)} [${fmt(n.lo)}, ${fmt(n.hi)}]`,
      source: ch.noiseSigma.source + est(ch.noiseSigma.estimate),
    })
    rows.push({
      channel: ch.metric,
      figure: `quantisation step (${ch.unit})`,
      datasheet: fmt(ch.resolution.value),
      simulated: fmt(measureQuantStep(profile, i, samples, seed)),
      source: ch.resolution.source,
    })
    const d = measureDrift(profile, i, samples, seed)
    rows.push({
      channel: ch.metric,
      figure: `|drift| per simulated year (${ch.unit})`,
      datasheet: fmt(ch.driftPerYear.value),
      simulated: `${fmt(d.perYear)} (${d.units} units)`,
      source: ch.driftPerYear.source + est(ch.driftPerYear.estimate),
    })
  })
  const rates = measureFailureRates(profile, samples, seed)
  for (const f of profile.failures) {
    if (f.kind === 'stuck' || f.kind === 'creep' || f.kind === 'decay') continue
    const tag = f.kind === 'sentinel' ? f.name : f.kind
    const r = rates.find((x) => x.tag === tag)
    rows.push({
      channel: '(sensor)',
      figure: `P(${tag}) per read`,
      datasheet: fmt(f.ratePerRead.value),
      simulated: r ? `${fmt(r.p)} [${fmt(r.lo)}, ${fmt(r.hi)}] (${r.count}/${r.reads})` : `0 (0/${samples})`,
      source: f.ratePerRead.source + (f.ratePerRead.estimate ? ' [estimate]' : ''),
    })
  }
  const mi = measureMinInterval(profile, seed)
  rows.push({
    channel: '(sensor)',
    figure: 'minimum interval (ms)',
    datasheet: fmt(profile.minIntervalMs.value),
    simulated: `${mi.minGapMs} between fresh conversions; faster reads return ${mi.fastReadReturns}`,
    source: profile.minIntervalMs.source,
  })
  return rows
}

export function formatTable(rows: readonly FidelityRow[]): string {
  const cols: (keyof FidelityRow)[] = ['channel', 'figure', 'datasheet', 'simulated', 'source']
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => r[c].length)))
  const line = (vals: string[]): string => vals.map((v, i) => v.padEnd(width[i] as number)).join('  ').trimEnd()
  return [line(cols), line(width.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => r[c])))].join('\n')
}
