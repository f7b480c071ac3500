// Durations on the command line and in fleet files: `500ms`, `5s`, `10m`, `2h`, `7d`, or a bare
// number of milliseconds. Returned in milliseconds.
import { SimError } from './errors.ts'

const units: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

export function parseDuration(text: string, what: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim())
  if (!m) throw new SimError('SIM_ERR_INVALID_ARGS', `${what}: "${text}" is not a duration (examples: 500ms, 5s, 10m, 2h, 7d)`)
  const ms = Number(m[1]) * (units[m[2] ?? 'ms'] ?? 1)
  return Math.round(ms)
}

export function formatDuration(ms: number): string {
  if (ms % 86_400_000 === 0) return `${ms / 86_400_000}d`
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`
  if (ms % 60_000 === 0) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}
