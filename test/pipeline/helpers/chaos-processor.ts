// The processor as a real process (what `npm run processor` runs), for faults that need one:
// SIGKILL and restart, Kafka or Cassandra dying under it. Settings go in as flags, which win over
// any IOT_* variable inherited from the test run (those point at the shared stack).
import type { ChildProcess } from 'node:child_process'
import { spawnTsx } from '../../gateway/helpers/spawn-tsx.ts'

export interface ProcessorProcess {
  child: ChildProcess
  httpPort: number
  /** the last log lines (stdout and stderr), for failure messages */
  lines: string[]
  exited: Promise<number | null>
}

const KEEP_LINES = 400 // enough to explain a failure without holding a whole run's log

export async function startProcessorProcess(flags: Record<string, string | number>, startTimeoutMs = 60_000): Promise<ProcessorProcess> {
  const child = spawnTsx(
    'processor/main.ts',
    Object.entries(flags).map(([k, v]) => `--${k}=${v}`),
  )
  const lines: string[] = []
  let buf = ''
  let started: (port: number) => void = () => {}
  const port = new Promise<number>((resolve) => (started = resolve))
  const collect = (d: Buffer): void => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    for (const l of parts) {
      if (l.includes('"processor started"')) started((JSON.parse(l) as { httpPort: number }).httpPort)
      lines.push(l)
    }
    if (lines.length > KEEP_LINES) lines.splice(0, lines.length - KEEP_LINES)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  let timer: NodeJS.Timeout | undefined
  const outcome = await Promise.race([
    port,
    exited.then(() => 'exited' as const),
    new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), startTimeoutMs))),
  ])
  clearTimeout(timer)
  if (typeof outcome === 'number') return { child, httpPort: outcome, lines, exited }
  child.kill('SIGKILL')
  throw new Error(`processor did not start (${outcome}):\n${lines.slice(-20).join('\n')}`)
}

/** Sum of a Prometheus series of the processor's /metrics (all label sets). */
export async function processorMetric(p: ProcessorProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${p.httpPort}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}

export async function processorReady(p: ProcessorProcess): Promise<{ status: number; reasons: string[] }> {
  const res = await fetch(`http://127.0.0.1:${p.httpPort}/ready`)
  const body = (await res.json()) as { reasons?: string[] }
  return { status: res.status, reasons: body.reasons ?? [] }
}
