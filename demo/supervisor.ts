// Runs the demo's services as child processes: each line of their output is prefixed with the
// service name, each is "up" once its health URL answers 200, and stop() ends exactly the
// processes started here (SIGTERM, then SIGKILL after the grace period) — Ctrl-C must leave
// nothing running behind the user's back.
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { setTimeout as sleep } from 'node:timers/promises'

export interface ServiceSpec {
  name: string
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  /** answered with 200 once the service is ready; absent = ready once started */
  healthUrl?: string
}

export interface RunningService {
  spec: ServiceSpec
  child: ChildProcess
  exited: Promise<number | null>
}

export interface SupervisorOptions {
  out?: (line: string) => void
  graceMs?: number
}

export class Supervisor {
  readonly #services: RunningService[] = []
  readonly #out: (line: string) => void
  readonly #graceMs: number
  #stopping = false

  constructor(opts: SupervisorOptions = {}) {
    this.#out = opts.out ?? ((l) => process.stdout.write(`${l}\n`))
    this.#graceMs = opts.graceMs ?? 10_000
  }

  get services(): readonly RunningService[] {
    return this.#services
  }

  start(spec: ServiceSpec): RunningService {
    const child = spawn(spec.command, spec.args, { env: { ...process.env, ...spec.env }, stdio: ['ignore', 'pipe', 'pipe'] })
    for (const stream of [child.stdout, child.stderr]) {
      if (stream) createInterface({ input: stream }).on('line', (l) => this.#out(`[${spec.name}] ${l}`))
    }
    const exited = new Promise<number | null>((resolve) => {
      child.once('exit', (code, signal) => {
        if (!this.#stopping) this.#out(`[${spec.name}] exited (${signal ?? `code ${code}`})`)
        resolve(code)
      })
      child.once('error', (err) => {
        this.#out(`[${spec.name}] could not start: ${err.message}`)
        resolve(null)
      })
    })
    const running = { spec, child, exited }
    this.#services.push(running)
    return running
  }

  /** Resolves when the health URL answers 200; rejects if the process exits first or time runs out. */
  async waitHealthy(svc: RunningService, timeoutMs: number): Promise<void> {
    if (!svc.spec.healthUrl) return
    const deadline = Date.now() + timeoutMs
    let gone = false
    void svc.exited.then(() => (gone = true))
    while (Date.now() < deadline) {
      if (gone) throw new Error(`${svc.spec.name} exited before it became healthy`)
      try {
        const res = await fetch(svc.spec.healthUrl, { signal: AbortSignal.timeout(2_000) })
        if (res.ok) return
      } catch {
        // not listening yet
      }
      await sleep(250)
    }
    throw new Error(`${svc.spec.name} was not healthy at ${svc.spec.healthUrl} within ${timeoutMs} ms`)
  }

  /** Stops every started service, newest first (the fleet before the gateway it publishes to). */
  async stop(): Promise<void> {
    this.#stopping = true
    for (const svc of [...this.#services].reverse()) {
      if (svc.child.exitCode !== null || svc.child.signalCode !== null) continue
      svc.child.kill('SIGTERM')
      const done = await Promise.race([svc.exited.then(() => true), sleep(this.#graceMs).then(() => false)])
      if (!done) {
        this.#out(`[${svc.spec.name}] did not stop within ${this.#graceMs} ms; SIGKILL`)
        svc.child.kill('SIGKILL')
        await svc.exited
      }
    }
  }
}
