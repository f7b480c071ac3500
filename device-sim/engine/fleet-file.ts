// A fleet file describes a mixed fleet: sites, groups (count per profile, dialect and site) and
// scripted events. Anything a group leaves out comes from the command line.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { Value } from '@sinclair/typebox/value'
import { SimError } from '../errors.ts'
import { ScriptedEventSchema } from '../environment/scripted-events.ts'
import { SiteSchema } from '../environment/site.ts'

export const FleetGroupSchema = Type.Object(
  {
    profile: Type.String(),
    count: Type.Integer({ minimum: 1, maximum: 100_000 }),
    site: Type.Optional(Type.String()),
    dialect: Type.Optional(Type.Union([Type.Literal('native'), Type.Literal('tasmota'), Type.Literal('esphome')])),
    interval: Type.Optional(Type.String()),
    qos: Type.Optional(Type.Union([Type.Literal(0), Type.Literal(1)])),
    client: Type.Optional(Type.Union([Type.Literal('auto'), Type.Literal('pubsubclient'), Type.Literal('esp-mqtt')])),
    power: Type.Optional(Type.Union([Type.Literal('mains'), Type.Literal('battery'), Type.Literal('deep-sleep')])),
    batteryMah: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
)
export type FleetGroup = Static<typeof FleetGroupSchema>

export const FleetFileSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    sites: Type.Array(SiteSchema, { default: [] }),
    groups: Type.Array(FleetGroupSchema, { minItems: 1 }),
    events: Type.Array(ScriptedEventSchema, { default: [] }),
  },
  { additionalProperties: false },
)
export type FleetFile = Static<typeof FleetFileSchema>
const check = TypeCompiler.Compile(FleetFileSchema)

export function parseFleet(json: unknown, file: string): FleetFile {
  const withDefaults = Value.Default(FleetFileSchema, Value.Clone(json))
  const problems = [...check.Errors(withDefaults)].map((e) => `${file} ${e.path || '/'}: ${e.message}`)
  if (problems.length === 0) {
    const f = withDefaults as FleetFile
    const ids = new Set(f.sites.map((s) => s.id))
    f.groups.forEach((g, i) => {
      if (g.site !== undefined && !ids.has(g.site)) problems.push(`${file} /groups/${i}/site: no site "${g.site}" in /sites`)
    })
    f.events.forEach((e, i) => {
      if (e.site !== undefined && !ids.has(e.site)) problems.push(`${file} /events/${i}/site: no site "${e.site}" in /sites`)
    })
  }
  if (problems.length > 0) throw new SimError('SIM_ERR_INVALID_FLEET', `invalid fleet file ${file}:\n${problems.map((p) => `  - ${p}`).join('\n')}`, { details: problems })
  return withDefaults as FleetFile
}

export function loadFleet(file: string): FleetFile {
  let json: unknown
  try {
    json = JSON.parse(readFileSync(file, 'utf8'))
  } catch (cause) {
    throw new SimError('SIM_ERR_INVALID_FLEET', `cannot read fleet file ${file}: ${(cause as Error).message}`, { cause })
  }
  return parseFleet(json, file)
}
