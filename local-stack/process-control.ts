// Background server processes: started detached with their own log file, recorded in a run file,
// and stopped by pid. A pid alone can be recycled by the OS after a crash, so a process counts as
// ours only while its command line still carries our marker (-Diot.stack.id=<dir>:<server>).
import { spawn } from 'node:child_process'
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

export interface RunRecord {
  server: string
  pid: number
  version: string
  ports: Record<string, number>
  startedAt: string
  logFile: string
}

export const stackMarker = (dir: string, server: string): string => `-Diot.stack.id=${dir}:${server}`

export function readRunRecord(file: string): RunRecord | undefined {
  if (!existsSync(file)) return undefined
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as RunRecord
  } catch {
    return undefined
  }
}

export function writeRunRecord(file: string, record: RunRecord): void {
  writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`)
}

export function removeRunRecord(file: string): void {
  rmSync(file, { force: true })
}

/** True when pid is alive and (where /proc exists) its command line holds our marker. */
export function isOurProcess(pid: number, marker: string): boolean {
  try {
    process.kill(pid, 0)
  } catch {
    return false
  }
  const cmdline = `/proc/${pid}/cmdline`
  if (!existsSync(cmdline)) return true
  try {
    return readFileSync(cmdline, 'utf8').split('\0').includes(marker)
  } catch {
    return false
  }
}

export function startDetached(command: string, args: string[], logFile: string, env: NodeJS.ProcessEnv = process.env): number {
  const fd = openSync(logFile, 'a')
  try {
    const child = spawn(command, args, { detached: true, stdio: ['ignore', fd, fd], env })
    if (child.pid === undefined) throw new Error(`could not spawn ${command}`)
    child.unref()
    return child.pid
  } finally {
    closeSync(fd)
  }
}

/** SIGTERM, wait up to timeoutMs for a clean exit, then SIGKILL. Resolves to how it ended. */
export async function stopProcess(pid: number, marker: string, timeoutMs: number): Promise<'not-running' | 'terminated' | 'killed'> {
  if (!isOurProcess(pid, marker)) return 'not-running'
  process.kill(pid, 'SIGTERM')
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    await sleep(200)
    if (!isOurProcess(pid, marker)) return 'terminated'
  }
  process.kill(pid, 'SIGKILL')
  for (let i = 0; i < 50 && isOurProcess(pid, marker); i++) await sleep(100)
  return 'killed'
}

/** Resident set size of a live process in MiB, from /proc (undefined elsewhere). */
export function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))
    return m ? Math.round(Number(m[1]) / 1024) : undefined
  } catch {
    return undefined
  }
}

export function tailFile(file: string, lines = 25): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')
  } catch {
    return '(no log)'
  }
}
