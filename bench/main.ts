// `npm run bench -- <name> [flags]`: runs bench/<name>.ts, whose default export prints a table and
// writes bench/results/<name>.json. Benchmarks hold the performance targets; tests never time things.
// First: the load generator's MQTT client (mqtt-packet) without an allocation per disabled debug call.
import '../gateway/install-quiet-debug.ts'
import { readdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { ConfigError } from '../config/errors.ts'

const here = dirname(fileURLToPath(import.meta.url))
const available = readdirSync(here)
  .filter((f) => f.endsWith('.ts') && f !== 'main.ts' && !f.startsWith('_'))
  .map((f) => f.slice(0, -3))
const [name, ...rest] = process.argv.slice(2)
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- <name> [flags]\navailable: ${available.join(', ') || '(none yet)'}`)
  process.exit(name ? 2 : 0)
}
const mod = (await import(pathToFileURL(join(here, `${name}.ts`)).href)) as { default: (argv: string[]) => Promise<void> }
try {
  await mod.default(rest)
} catch (err) {
  // a bad flag is a usage error: its message lists every problem; a stack trace adds nothing
  if (!(err instanceof ConfigError)) throw err
  console.error(err.message)
  process.exit(2)
}
