// One flag reader for every benchmark: the services' own loader (config/load-config.ts), so a
// benchmark's flags are a TypeBox schema too — defaults, `--help` text and validation (every bad
// flag reported at once, BENCH runs never start half-configured) from one place.
import type { Static, TObject } from '@sinclair/typebox'
import { configHelp, loadConfig } from '../../config/load-config.ts'

/** The parsed flags, or null after printing `--help`. IOT_* variables apply as for the services. */
export function benchFlags<T extends TObject>(schema: T, argv: readonly string[], usage: string): Static<T> | null {
  if (argv.includes('--help')) {
    console.log(`${usage}\n\n${configHelp(schema)}`)
    return null
  }
  return loadConfig(schema, { argv })
}
