// Real brokers for the publishing tests, each on a free port: Aedes in-process and Debian's
// mosquitto as a child process. A subscriber records everything the broker delivered.
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect, createServer, type AddressInfo, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'

export interface Broker {
  url: string
  clientIds: Set<string>
  close(): Promise<void>
}

export async function startAedes(password: string): Promise<Broker> {
  const clientIds = new Set<string>()
  const broker = await Aedes.createBroker({
    authenticate: (client, username, pw, done) => {
      const ok = username === client.id && pw?.toString() === password
      done(null, ok)
    },
  })
  broker.on('client', (c) => clientIds.add(c.id))
  const server: Server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  return {
    url: `mqtt://127.0.0.1:${port}`,
    clientIds,
    close: async () => {
      await new Promise<void>((r) => broker.close(() => r()))
      await new Promise<void>((r) => server.close(() => r()))
    },
  }
}

export async function freePort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const port = (s.address() as AddressInfo).port
  await new Promise<void>((r) => s.close(() => r()))
  return port
}

export async function startMosquitto(): Promise<Broker> {
  const port = await freePort()
  const dir = mkdtempSync(join(tmpdir(), 'mosq-'))
  const conf = join(dir, 'mosquitto.conf')
  writeFileSync(conf, `listener ${port} 127.0.0.1\nallow_anonymous true\npersistence false\nmax_queued_messages 100000\n`)
  const proc: ChildProcess = spawn('/usr/sbin/mosquitto', ['-c', conf], { stdio: 'ignore' })
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
    clientIds: new Set(),
    close: async () => {
      if (proc.exitCode !== null) return
      const exited = new Promise<void>((r) => proc.once('exit', () => r()))
      proc.kill('SIGTERM')
      await exited
    },
  }
}

export interface Recorder {
  messages: { topic: string; payload: string; retain: boolean }[]
  close(): Promise<void>
}

export async function record(url: string, username?: string, password?: string): Promise<Recorder> {
  const messages: Recorder['messages'] = []
  const c = mqtt.connect(url, { clientId: 'recorder', username: username ?? 'recorder', password: password ?? '', reconnectPeriod: 0, protocolVersion: 4 })
  await new Promise<void>((resolve, reject) => {
    c.once('connect', () => c.subscribe('#', { qos: 1 }, (err) => (err ? reject(err) : resolve())))
    c.once('error', reject)
  })
  c.on('message', (topic, payload, packet) => messages.push({ topic, payload: payload.toString(), retain: packet.retain }))
  return { messages, close: () => new Promise((r) => c.end(false, {}, () => r())) }
}
