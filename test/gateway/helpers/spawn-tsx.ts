// Run an entry point as a child process the way `npm run gateway` / `npm run processor` do: tsx
// loader, and a service's Node flags (config/service-node-flags.ts) for its main.ts, so tests and
// the gateway benchmark run the services as shipped.
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { tsxServiceArgs } from '../../../config/service-node-flags.ts'

export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url))

/** Node's arguments for `entry` (relative to the repo root): profiling flags, the service's flags, tsx, the entry. */
export function tsxArgs(entry: string, args: readonly string[]): string[] {
  // BENCH_CPU_PROF=<dir>: the child writes a V8 CPU profile there when it exits (benchmarks only;
  // Node refuses --cpu-prof in NODE_OPTIONS, so it has to be an argument); BENCH_NODE_ARGS adds
  // other Node flags the same way (e.g. --trace-gc).
  const prof = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : []
  const extra = process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []
  return [...prof, ...extra, ...tsxServiceArgs(repoRoot, entry), ...args]
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
