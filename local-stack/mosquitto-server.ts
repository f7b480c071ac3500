// Debian's mosquitto on a free loopback port: the MQTT-only reference in benchmarks (the same
// load generator is pointed at it and at our gateway in one run, so figures read as ratios) and an
// independent broker for the simulator's tests.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from './preflight.ts'

export async function startMosquitto(): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'bench-mosq-'))
  const conf = join(dir, 'm.conf')
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\nsys_interval 1\npersistence false\nmax_connections -1\nmax_queued_messages 1000000\n`)
  const proc = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' })
  const url = `mqtt://127.0.0.1:${port}`
  // ready once it accepts TCP (at most 5 s)
  for (let i = 0; i < 250; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = connect({ host: '127.0.0.1', port }, () => {
        s.destroy()
        r(true)
      })
      s.once('error', () => r(false))
    })
    if (ok) break
    await new Promise((r) => setTimeout(r, 20))
  }
  return {
    url,
    pid: proc.pid as number,
    stop: async () => {
      if (proc.exitCode !== null) return
      const done = new Promise<void>((r) => proc.once('exit', () => r()))
      proc.kill('SIGTERM')
      await done
    },
  }
}

