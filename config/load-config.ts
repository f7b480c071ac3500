// One loader for every service's configuration: a TypeBox object schema is the single source of
// the shape, the defaults, the flag and environment-variable names, the --help text and the
// runtime validation. Values come from defaults < IOT_* environment variables < --flags. Every
// problem is collected and reported at once (fastify's initial-config-validation), then the
// result is deep-frozen so no module can change configuration after start-up.
import { Kind, type Static, type TObject, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { ConfigError } from './errors.ts'

export interface ConfigLeaf {
  path: string[]
  flag: string
  env: string
  schema: TSchema
}

export interface LoadOptions {
  argv?: readonly string[]
  env?: Readonly<Record<string, string | undefined>>
  /** environment variable prefix; IOT_ unless a test isolates itself */
  envPrefix?: string
}

const kebab = (s: string): string => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
const snake = (s: string): string => s.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()

/** Every leaf setting of a schema with the flag and variable names derived from its path. */
export function configLeaves(schema: TObject, envPrefix = 'IOT_'): ConfigLeaf[] {
  const out: ConfigLeaf[] = []
  const walk = (obj: TObject, path: string[]): void => {
    for (const [key, child] of Object.entries(obj.properties)) {
      const p = [...path, key]
      if (child[Kind] === 'Object') walk(child as TObject, p)
      else out.push({ path: p, flag: `--${p.map(kebab).join('-')}`, env: envPrefix + p.map(snake).join('_'), schema: child })
    }
  }
  walk(schema, [])
  return out
}

function setPath(target: Record<string, unknown>, path: string[], value: unknown): void {
  let node = target
  for (const key of path.slice(0, -1)) node = (node[key] ??= {}) as Record<string, unknown>
  node[path.at(-1) as string] = value
}

function getPath(target: Record<string, unknown>, path: string[]): unknown {
  let node: unknown = target
  for (const key of path) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined
  return node
}

function coerce(leaf: ConfigLeaf, raw: string): unknown {
  if (leaf.schema[Kind] === 'Array') {
    const items = raw.split(',').map((s) => s.trim()).filter((s) => s.length > 0)
    return items.map((item) => Value.Convert(leaf.schema.items as TSchema, item))
  }
  return Value.Convert(leaf.schema, raw)
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v)
    Object.freeze(value)
  }
  return value
}

export function loadConfig<T extends TObject>(schema: T, opts: LoadOptions = {}): Static<T> {
  const argv = opts.argv ?? []
  const env = opts.env ?? process.env
  const leaves = configLeaves(schema, opts.envPrefix)
  const byFlag = new Map(leaves.map((l) => [l.flag, l]))
  const problems: string[] = []
  const raw: Record<string, unknown> = {}
  const source = new Map<string, string>()

  for (const leaf of leaves) {
    const v = env[leaf.env]
    if (v !== undefined && v !== '') {
      setPath(raw, leaf.path, coerce(leaf, v))
      source.set(leaf.path.join('.'), leaf.env)
    }
  }

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (!arg.startsWith('--')) {
      problems.push(`unexpected argument "${arg}"`)
      continue
    }
    const eq = arg.indexOf('=')
    let name = eq === -1 ? arg : arg.slice(0, eq)
    let value: string | undefined = eq === -1 ? undefined : arg.slice(eq + 1)
    let leaf = byFlag.get(name)
    if (!leaf && name.startsWith('--no-')) {
      const positive = byFlag.get(`--${name.slice(5)}`)
      if (positive?.schema[Kind] === 'Boolean' && value === undefined) {
        leaf = positive
        name = positive.flag
        value = 'false'
      }
    }
    if (!leaf) {
      problems.push(`unknown option ${name} (see --help)`)
      continue
    }
    if (value === undefined) {
      const next = argv[i + 1]
      if (leaf.schema[Kind] === 'Boolean' && (next === undefined || next.startsWith('--'))) value = 'true'
      else if (next === undefined) {
        problems.push(`${name} needs a value`)
        continue
      } else {
        value = next
        i++
      }
    }
    setPath(raw, leaf.path, coerce(leaf, value))
    source.set(leaf.path.join('.'), name)
  }

  // Value.Default fills a nested group's defaults only when the group object exists.
  for (const leaf of leaves) if (leaf.path.length > 1) setPath(raw, leaf.path.slice(0, -1), getPath(raw, leaf.path.slice(0, -1)) ?? {})
  const withDefaults = Value.Default(schema, Value.Clone(raw)) as Static<T>
  for (const err of Value.Errors(schema, withDefaults)) {
    const key = err.path.split('/').filter(Boolean)
    const leaf = leaves.find((l) => key.join('.').startsWith(l.path.join('.')))
    const where = leaf ? `${source.get(leaf.path.join('.')) ?? `${leaf.flag} / ${leaf.env}`}` : err.path || '(root)'
    problems.push(`${where}: ${err.message} (got ${JSON.stringify(err.value)})`)
  }
  if (problems.length > 0) throw new ConfigError(problems)
  return deepFreeze(withDefaults)
}

/** --help text generated from the same schema: flag, variable, default and description per line. */
export function configHelp(schema: TObject, envPrefix = 'IOT_'): string {
  return configLeaves(schema, envPrefix)
    .map((l) => {
      const d = l.schema.default === undefined ? '' : ` (default ${JSON.stringify(l.schema.default)})`
      return `  ${l.flag.padEnd(34)} ${l.env.padEnd(38)} ${l.schema.description ?? ''}${d}`
    })
    .join('\n')
}
