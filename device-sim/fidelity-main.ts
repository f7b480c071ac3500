// `npm run sim:fidelity -- --profile dht22 [--samples 100000] [--seed 1] [--json]`
import { Type } from '@sinclair/typebox'
import { configHelp, loadConfig } from '../config/load-config.ts'
import { ConfigError } from '../config/errors.ts'
import { loadProfile } from '../firmware-profiles/load-profile.ts'
import { exitCodes, isSimError } from './errors.ts'
import { fidelityRows, formatTable } from './fidelity/fidelity-report.ts'

const Schema = Type.Object({
  profile: Type.String({ default: 'dht22', description: 'profile id or path' }),
  samples: Type.Integer({ minimum: 1000, maximum: 10_000_000, default: 100_000, description: 'simulated samples per figure' }),
  seed: Type.Integer({ default: 1, description: 'PRNG seed' }),
  json: Type.Boolean({ default: false, description: 'print JSON instead of a table' }),
  help: Type.Boolean({ default: false, description: 'print this help' }),
})

try {
  const cfg = loadConfig(Schema, { argv: process.argv.slice(2), envPrefix: 'IOT_FIDELITY_' })
  if (cfg.help) {
    console.log(`usage: npm run sim:fidelity -- [options]\n${configHelp(Schema, 'IOT_FIDELITY_')}`)
  } else {
    const profile = loadProfile(cfg.profile)
    const rows = fidelityRows(profile, cfg.samples, cfg.seed)
    console.log(cfg.json ? JSON.stringify({ profile: profile.id, samples: cfg.samples, seed: cfg.seed, rows }, null, 2) : `${profile.name}: ${cfg.samples} samples per figure, seed ${cfg.seed}\n\n${formatTable(rows)}`)
  }
} catch (e) {
  if (e instanceof ConfigError) {
    console.error(`SIM_ERR_INVALID_ARGS: ${e.message}`)
    process.exit(2)
  }
  if (isSimError(e)) {
    console.error(`${e.code}: ${e.message}`)
    process.exit(exitCodes[e.code])
  }
  throw e
}
