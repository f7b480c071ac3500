// The gateway as a real process (what `npm run gateway` runs), for faults that need a process:
// SIGKILL, restart on the same port, Kafka dying under it.
import type { ChildProcess } from 'node:child_process'
import { runTsx, spawnTsx } from './spawn-tsx.ts'

export interface GatewayProcess {
  child: ChildProcess
  mqttPort: number
  httpPort: number
  lines: string[]
  exited: Promise<number | null>
}

export async function addDevices(credentialsFile: string, ids: readonly string[]): Promise<Map<string, string>> {
  const passwords = new Map<string, string>()
  for (const id of ids) {
    const r = await runTsx('gateway/add-device-main.ts', [id, '--sensor', 'bme280', '--credentials-file', credentialsFile])
    if (r.code !== 0) throw new Error(r.stderr)
    passwords.set(id, r.stdout.trim())
  }
  return passwords
}

export async function startGatewayProcess(args: string[], env: Record<string, string> = {}): Promise<GatewayProcess> {
  // Pipeline counters off unless a test asks (a later --pipeline-counters wins): a test gateway must
  // not write into the shared stack's default keyspace.
  const child = spawnTsx('gateway/main.ts', ['--mqtt-host', '127.0.0.1', '--gateway-http-port', '0', '--no-pipeline-counters', ...args], env)
  const lines: string[] = []
  let buf = ''
  const collect = (d: Buffer): void => {
    buf += d.toString()
    const parts = buf.split('\n')
    buf = parts.pop() ?? ''
    lines.push(...parts)
  }
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  const exited = new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)))
  for (let i = 0; i < 600; i++) {
    const l = lines.find((x) => x.includes('"gateway listening"'))
    if (l) {
      const info = JSON.parse(l) as { listeners: Array<{ port: number }>; http: number }
      return { child, mqttPort: info.listeners[0]?.port as number, httpPort: info.http, lines, exited }
    }
    if (child.exitCode !== null) break
    await new Promise((r) => setTimeout(r, 50))
  }
  child.kill('SIGKILL')
  throw new Error(`gateway did not start:\n${lines.slice(-20).join('\n')}`)
}

export async function metric(gw: GatewayProcess, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${gw.httpPort}/metrics`)).text()
  return text
    .split('\n')
    .filter((l) => l.startsWith(name))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0)
}
