// A packet-level MQTT peer over a real socket (aedes test/helper.js style): send frames built
// with mqtt-packet or raw bytes, read parsed responses, observe the socket closing.
import { connect, type Socket } from 'node:net'
import mqtt, { type Packet } from 'mqtt-packet'

export class RawClient {
  readonly socket: Socket
  readonly packets: Packet[] = []
  readonly closed: Promise<void>
  #waiters: Array<() => void> = []
  isClosed = false

  private constructor(socket: Socket) {
    this.socket = socket
    const parser = mqtt.parser({ protocolVersion: 4 })
    parser.on('packet', (p: Packet) => {
      this.packets.push(p)
      this.#wake()
    })
    parser.on('error', () => {})
    socket.on('data', (d: Buffer) => parser.parse(d))
    socket.on('error', () => {})
    this.closed = new Promise((resolve) =>
      socket.once('close', () => {
        this.isClosed = true
        this.#wake()
        resolve()
      }),
    )
  }

  static open(port: number): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1', () => resolve(new RawClient(s)))
      s.once('error', reject)
    })
  }

  send(packet: Packet | Record<string, unknown>): void {
    this.socket.write(mqtt.generate(packet as Packet))
  }

  sendRaw(bytes: Uint8Array): void {
    this.socket.write(bytes)
  }

  #wake(): void {
    const w = this.#waiters
    this.#waiters = []
    for (const f of w) f()
  }

  /** The next packet of `cmd` (consumed), or null if the socket closes or time runs out first. */
  async next(cmd: string, timeoutMs = 2_000): Promise<Packet | null> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const i = this.packets.findIndex((p) => p.cmd === cmd)
      if (i >= 0) return this.packets.splice(i, 1)[0] as Packet
      if (this.isClosed) return null
      const left = deadline - Date.now()
      if (left <= 0) return null
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(t)
          resolve()
        })
      })
    }
  }

  /** Resolves true if the socket closes within the time. */
  async closesWithin(ms: number): Promise<boolean> {
    if (this.isClosed) return true
    return Promise.race([this.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))])
  }

  destroy(): void {
    this.socket.destroy()
  }
}

export interface ConnectFields {
  clientId: string
  username?: string
  password?: string
  keepalive?: number
  will?: { topic: string; payload: Buffer; qos: 0 | 1; retain: boolean }
}

export function connectPacket(f: ConnectFields): Record<string, unknown> {
  const p: Record<string, unknown> = {
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: f.clientId,
    keepalive: f.keepalive ?? 30,
  }
  if (f.username !== undefined) p.username = f.username
  if (f.password !== undefined) p.password = Buffer.from(f.password)
  if (f.will) p.will = f.will
  return p
}

/** Open, CONNECT and return the client with the CONNACK return code. */
export async function connectRaw(port: number, f: ConnectFields): Promise<{ c: RawClient; returnCode: number | null }> {
  const c = await RawClient.open(port)
  c.send(connectPacket(f))
  const ack = await c.next('connack')
  return { c, returnCode: ack ? ((ack as { returnCode?: number }).returnCode ?? 0) : null }
}

export const publishPacket = (topic: string, payload: string | Buffer, qos: 0 | 1 = 1, messageId = 1): Record<string, unknown> => ({
  cmd: 'publish',
  topic,
  payload: typeof payload === 'string' ? Buffer.from(payload) : payload,
  qos,
  retain: false,
  dup: false,
  messageId: qos > 0 ? messageId : undefined,
})
