// Anomaly rules: a JSON file (--rules-file) validated by this TypeBox schema, or the built-in
// defaults below. Thresholds resolve per metric as global < site < device, field by field.
//
// Impossible ranges: our own table, mirroring the operating ranges in sensors.md (the same numbers
// firmware-profiles/*.json carries). We deliberately do not import firmware-profiles/: it was being
// written in parallel, and the processor must not change behaviour when a simulator profile is
// edited. A rules file may override or extend the table.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ProcError } from '../errors.ts'
import type { RateRule } from './rate-of-change.ts'
import type { StuckRule } from './stuck-sensor.ts'
import type { ThresholdRule } from './threshold-with-hysteresis.ts'

const SeverityT = Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')])
const ThresholdT = Type.Object(
  {
    high: Type.Optional(Type.Number()),
    low: Type.Optional(Type.Number()),
    hysteresis: Type.Optional(Type.Number({ minimum: 0 })),
    openAfter: Type.Optional(Type.Integer({ minimum: 1 })),
    closeAfter: Type.Optional(Type.Integer({ minimum: 1 })),
    severity: Type.Optional(SeverityT),
  },
  { additionalProperties: false },
)
const Thresholds = Type.Record(Type.String(), ThresholdT)

export const RulesSchema = Type.Object(
  {
    impossible: Type.Optional(Type.Record(Type.String(), Type.Record(Type.String(), Type.Tuple([Type.Number(), Type.Number()])))),
    thresholds: Type.Optional(Thresholds),
    /** thresholds applied to window means (by window close), same shape */
    windowThresholds: Type.Optional(Thresholds),
    rateOfChange: Type.Optional(Type.Record(Type.String(), Type.Object({ maxPerMinute: Type.Number({ exclusiveMinimum: 0 }), severity: Type.Optional(SeverityT) }))),
    stuck: Type.Optional(
      Type.Record(Type.String(), Type.Object({ samples: Type.Integer({ minimum: 2 }), epsilon: Type.Number({ minimum: 0 }), severity: Type.Optional(SeverityT) })),
    ),
    silence: Type.Optional(Type.Object({ afterMs: Type.Integer({ minimum: 1 }), severity: Type.Optional(SeverityT) })),
    sites: Type.Optional(Type.Record(Type.String(), Type.Object({ thresholds: Type.Optional(Thresholds), windowThresholds: Type.Optional(Thresholds) }))),
    devices: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Object({
          site: Type.Optional(Type.String()),
          reportingIntervalMs: Type.Optional(Type.Integer({ minimum: 1 })),
          thresholds: Type.Optional(Thresholds),
          windowThresholds: Type.Optional(Thresholds),
        }),
      ),
    ),
  },
  { additionalProperties: false },
)
export type RulesFile = Static<typeof RulesSchema>

/** sensor profile → metric → [min, max]; operating ranges from sensors.md (datasheets). */
export const defaultImpossible: Record<string, Record<string, [number, number]>> = {
  dht22: { temperature: [-40, 80], humidity: [0, 100] },
  bme280: { temperature: [-40, 85], humidity: [0, 100], pressure: [300, 1100] },
  sht31: { temperature: [-40, 125], humidity: [0, 100] },
  ds18b20: { temperature: [-55, 125] },
}

export const defaultRules: RulesFile = {
  impossible: defaultImpossible,
  thresholds: {},
  windowThresholds: {},
  rateOfChange: { temperature: { maxPerMinute: 10 }, humidity: { maxPerMinute: 30 } },
  stuck: {},
  silence: { afterMs: 300_000 },
}

export class Rules {
  readonly file: RulesFile
  readonly #cache = new Map<string, ThresholdRule | null>()

  constructor(file: RulesFile) {
    this.file = file
  }

  static load(path: string): Rules {
    if (!path) return new Rules(defaultRules)
    let json: unknown
    try {
      json = JSON.parse(readFileSync(path, 'utf8'))
    } catch (err) {
      throw new ProcError('PROC_ERR_RULES_FILE', `${path}: ${(err as Error).message}`, { cause: err })
    }
    const problems = [...Value.Errors(RulesSchema, json)].map((e) => `${e.path || '/'}: ${e.message}`)
    if (problems.length) throw new ProcError('PROC_ERR_RULES_FILE', `${path}:\n  ${problems.join('\n  ')}`)
    const file = json as RulesFile
    return new Rules({ ...file, impossible: { ...defaultImpossible, ...(file.impossible ?? {}) } })
  }

  impossibleRange(sensor: string, metric: string): [number, number] | undefined {
    return this.file.impossible?.[sensor]?.[metric]
  }

  reportingIntervalMs(deviceId: string): number | undefined {
    return this.file.devices?.[deviceId]?.reportingIntervalMs
  }

  threshold(deviceId: string, metric: string, onWindow = false): ThresholdRule | null {
    const ck = `${onWindow ? 'w' : 'r'}|${deviceId}|${metric}`
    const hit = this.#cache.get(ck)
    if (hit !== undefined) return hit
    const field = onWindow ? 'windowThresholds' : 'thresholds'
    const dev = this.file.devices?.[deviceId]
    const site = dev?.site ? this.file.sites?.[dev.site] : undefined
    const merged = { ...(this.file[field]?.[metric] ?? {}), ...(site?.[field]?.[metric] ?? {}), ...(dev?.[field]?.[metric] ?? {}) }
    const rule: ThresholdRule | null =
      merged.high === undefined && merged.low === undefined
        ? null
        : {
            ...(merged.high !== undefined ? { high: merged.high } : {}),
            ...(merged.low !== undefined ? { low: merged.low } : {}),
            hysteresis: merged.hysteresis ?? 0,
            openAfter: merged.openAfter ?? (onWindow ? 1 : 2),
            closeAfter: merged.closeAfter ?? (onWindow ? 1 : 2),
            severity: merged.severity ?? 'warning',
          }
    this.#cache.set(ck, rule)
    return rule
  }

  rate(metric: string): RateRule | null {
    const r = this.file.rateOfChange?.[metric]
    return r ? { maxPerMinute: r.maxPerMinute, severity: r.severity ?? 'warning' } : null
  }

  stuck(metric: string): StuckRule | null {
    const r = this.file.stuck?.[metric]
    return r ? { samples: r.samples, epsilon: r.epsilon, severity: r.severity ?? 'warning' } : null
  }

  silenceAfterMs(): number | null {
    return this.file.silence?.afterMs ?? null
  }
}
