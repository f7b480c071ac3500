// Run an entry point as a child process the way `npm run gateway` / `npm run processor` do: tsx
// loader, and a service's Node flags (config/service-node-flags.ts) for its main.ts, so tests and
// the gateway benchmark run the services as shipped.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { benchNodeArgs } from '../../../bench/lib/bench-node-args.ts'
import { tsxServiceArgs } from '../../../config/service-node-flags.ts'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** Node's arguments for `entry` (relative to the repo root): a benchmark's flags (bench-node-args.ts), the service's flags, tsx, the entry. */
export function tsxArgs(entry: string, args: readonly string[]): string[] {
  return [...benchNodeArgs(), ...tsxServiceArgs(repoRoot, entry), ...args]
}

export function spawnTsx(entry: string, args: string[], env: Record<string, string | undefined> = {}): ChildProcess {
  return spawn(process.execPath, tsxArgs(entry, args), { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
}

export async function runTsx(entry: string, args: string[], env: Record<string, string | undefined> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawnTsx(entry, args, env)
  let stdout = ''
  let stderr = ''
  child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()))
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()))
  const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  return { code, stdout, stderr }
}
