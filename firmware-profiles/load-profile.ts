// Reads and validates firmware-profiles/<id>.json. Every problem names the file and the field
// (JSON pointer), all are reported at once, and a valid profile is deep-frozen.
import { readFileSync, readdirSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { SimError } from '../device-sim/errors.ts'
import { FirmwareProfile } from './profile-schema.ts'

export const profilesDir = dirname(fileURLToPath(import.meta.url))
const check = TypeCompiler.Compile(FirmwareProfile)

/** Profile ids available in a directory (one `<id>.json` each). */
export function listProfiles(dir = profilesDir): string[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort()
}

function semanticProblems(p: FirmwareProfile): string[] {
  const out: string[] = []
  const metrics = new Set<string>()
  p.channels.forEach((c, i) => {
    if (metrics.has(c.metric)) out.push(`/channels/${i}/metric: duplicate metric "${c.metric}"`)
    metrics.add(c.metric)
    if (c.min.value >= c.max.value) out.push(`/channels/${i}/min: must be below max (${c.min.value} ≥ ${c.max.value})`)
    if (c.resolution.value <= 0) out.push(`/channels/${i}/resolution: must be > 0`)
    for (const k of ['noiseSigma', 'offsetSigma', 'offsetClip', 'tauS'] as const) {
      if (c[k].value < 0) out.push(`/channels/${i}/${k}: must be ≥ 0`)
    }
  })
  p.failures.forEach((f, i) => {
    if ('metric' in f && !metrics.has(f.metric)) out.push(`/failures/${i}/metric: no channel "${f.metric}" in this profile`)
    for (const k of ['ratePerRead', 'recoveryPerRead'] as const) {
      const v = (f as Record<string, unknown>)[k] as { value: number } | undefined
      if (v && (v.value < 0 || v.value > 1)) out.push(`/failures/${i}/${k}: a probability must be in [0, 1]`)
    }
    if (f.kind === 'spike') {
      for (const m of Object.keys(f.values)) if (!metrics.has(m)) out.push(`/failures/${i}/values/${m}: no channel "${m}" in this profile`)
    }
  })
  if (p.fastRead === 'power-on-value' && !p.powerOnValue) out.push('/powerOnValue: required when fastRead is "power-on-value"')
  if (p.minIntervalMs.value <= 0) out.push('/minIntervalMs: must be > 0')
  // the BME280 register field allows off, 2, 4, 8, 16 (§2.3 IIR)
  if (p.iirCoefficient && ![1, 2, 4, 8, 16].includes(p.iirCoefficient.value)) out.push('/iirCoefficient: must be 1 (off), 2, 4, 8 or 16')
  const heat = p.pollSelfHeating
  if (heat && (heat.maxC.value < 0 || heat.fullAtIntervalMs.value <= 0 || heat.tauS.value <= 0)) {
    out.push('/pollSelfHeating: maxC must be ≥ 0, fullAtIntervalMs and tauS > 0')
  }
  const clone = p.twosComplementCloneFraction
  if (clone && (clone.value < 0 || clone.value > 1)) out.push('/twosComplementCloneFraction: a probability must be in [0, 1]')
  if (clone && !metrics.has('temperature')) out.push('/twosComplementCloneFraction: needs a temperature channel')
  return out
}

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object') {
    for (const x of Object.values(v)) deepFreeze(x)
    Object.freeze(v)
  }
  return v
}

/** Validates already-parsed JSON; `file` only labels the errors. */
export function parseProfile(json: unknown, file: string): FirmwareProfile {
  const problems = [...check.Errors(json)].map((e) => `${file} ${e.path || '/'}: ${e.message}`)
  if (problems.length === 0) {
    const p = json as FirmwareProfile
    problems.push(...semanticProblems(p).map((s) => `${file} ${s}`))
    const expected = basename(file).replace(/\.json$/, '')
    if (file.endsWith('.json') && p.id !== expected) problems.push(`${file} /id: "${p.id}" must match the file name "${expected}"`)
  }
  if (problems.length > 0) {
    throw new SimError('SIM_ERR_INVALID_PROFILE', `invalid profile ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: problems })
  }
  return deepFreeze(json as FirmwareProfile)
}

/** Reads a profile by id from `dir`, or by path when the argument ends in .json. */
export function loadProfile(idOrPath: string, dir = profilesDir): FirmwareProfile {
  const file = idOrPath.endsWith('.json') ? idOrPath : join(dir, `${idOrPath}.json`)
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (cause) {
    if (!idOrPath.endsWith('.json')) {
      throw new SimError('SIM_ERR_UNKNOWN_PROFILE', `unknown profile "${idOrPath}"; available: ${listProfiles(dir).join(', ')}`, { cause })
    }
    throw new SimError('SIM_ERR_UNKNOWN_PROFILE', `cannot read profile file ${file}`, { cause })
  }
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch (cause) {
    throw new SimError('SIM_ERR_INVALID_PROFILE', `invalid profile ${file}: not JSON (${(cause as Error).message})`, { cause })
  }
  return parseProfile(json, file)
}
