// The `npm run sim` command as a function (main.ts only calls it): parse, plan, run one of the
// three modes, print a JSON summary; every failure becomes a SIM_ERR_* message and exit status.
import { loadConfig } from '../../config/load-config.ts'
import { ConfigError } from '../../config/errors.ts'
import { SimConfigSchema, type SimConfig } from '../config.ts'
import { parseDuration } from '../duration.ts'
import { planFleet } from '../engine/fleet-plan.ts'
import { runLive } from '../engine/run-live.ts'
import { runOffline } from '../engine/run-offline.ts'
import { exitCodes, isSimError, SimError } from '../errors.ts'
import { readRecording, replay } from '../mqtt/replay.ts'
import type { TransportOptions } from '../mqtt/transport-types.ts'
import { helpText } from './help-text.ts'
import { ProgressLine } from './progress-line.ts'

export interface CliIo {
  stdout: (s: string) => void
  stderr: (s: string) => void
  env?: Readonly<Record<string, string | undefined>>
  stop?: Promise<void>
}

const defaultIo: CliIo = { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s) }

function parse(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): SimConfig {
  try {
    return loadConfig(SimConfigSchema, { argv, env, envPrefix: 'IOT_SIM_' })
  } catch (e) {
    if (e instanceof ConfigError) throw new SimError('SIM_ERR_INVALID_ARGS', e.message, { details: e.problems })
    throw e
  }
}

function transportOptions(cfg: SimConfig): TransportOptions {
  return {
    url: cfg.url,
    username: cfg.username,
    password: cfg.password,
    connectTimeoutMs: parseDuration(cfg.connectTimeout, '--connect-timeout'),
    speed: cfg.speed,
    maxConnecting: cfg.maxConnecting,
  }
}

async function run(cfg: SimConfig, io: CliIo): Promise<unknown> {
  const progress = new ProgressLine(cfg.out === '-' ? 'off' : cfg.progress)
  if (cfg.replay !== '') {
    if (cfg.out !== '') throw new SimError('SIM_ERR_INVALID_ARGS', '--replay publishes to a broker; it cannot be combined with --out')
    const records = readRecording(cfg.replay)
    const counters = await replay(records, transportOptions(cfg), cfg.seed, 10_000)
    return { mode: 'replay', file: cfg.replay, records: records.length, transport: counters }
  }
  if (cfg.outSessions && cfg.out === '') throw new SimError('SIM_ERR_INVALID_ARGS', '--out-sessions only applies to --out')
  const plan = planFleet(cfg)
  if (cfg.out !== '') {
    const result = runOffline(
      plan,
      cfg.out,
      (sim, lines) => progress.update({ simulatedMs: sim.now, connected: 0, published: lines, acknowledged: 0, failed: 0 }),
      { sessions: cfg.outSessions },
    )
    progress.done({ simulatedMs: plan.startAt + result.simulatedMs, connected: 0, published: result.lines, acknowledged: 0, failed: 0 })
    return result
  }
  const result = await runLive(plan, {
    transport: transportOptions(cfg),
    drainMs: 10_000,
    onProgress: (sim, t) => progress.update({ simulatedMs: sim.now, connected: t.connected, published: t.published, acknowledged: t.acknowledged, failed: t.failed }),
    ...(io.stop ? { stop: io.stop } : {}),
  })
  const t = result.transport
  progress.done({ simulatedMs: plan.startAt + result.simulatedMs, connected: t.connected, published: t.published, acknowledged: t.acknowledged, failed: t.failed })
  return result
}

/** Runs the CLI and returns the process exit status. */
export async function runCli(argv: readonly string[], io: CliIo = defaultIo): Promise<number> {
  try {
    const cfg = parse(argv, io.env ?? process.env)
    if (cfg.help) {
      io.stdout(`${helpText()}\n`)
      return 0
    }
    const summary = await run(cfg, io)
    if (cfg.out !== '-') io.stdout(`${JSON.stringify(summary, null, 2)}\n`)
    return 0
  } catch (e) {
    if (isSimError(e)) {
      io.stderr(`${e.code}: ${e.message}\n`)
      return exitCodes[e.code]
    }
    io.stderr(`unexpected error: ${(e as Error).stack ?? String(e)}\n`)
    return 1
  }
}
