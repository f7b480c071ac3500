// Real brokers for the publishing tests, each on a free port: Aedes in-process and Debian's
// mosquitto as a child process. A subscriber records everything the broker delivered.
import { createServer, type AddressInfo, type Server } from 'node:net'
import { Aedes } from 'aedes'
import mqtt from 'mqtt'
import { startMosquitto as startBenchMosquitto } from '../../../local-stack/mosquitto-server.ts'

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

/** Debian's mosquitto: the same starter the benchmarks use, behind this harness's Broker shape. */
export async function startMosquitto(): Promise<Broker> {
  const m = await startBenchMosquitto()
  return { url: m.url, clientIds: new Set(), close: m.stop }
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
