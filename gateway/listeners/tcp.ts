// Plain MQTT over TCP (default 1883). Production deployments put TLS in front or enable tls.ts.
import { createServer, type AddressInfo, type Server } from 'node:net'
import type { GatewayBroker } from '../broker.ts'

export interface Listener {
  name: string
  port: number
  /** stop accepting; existing connections are closed by the broker */
  close(): Promise<void>
}

export const closeServer = (server: { close(cb: (err?: Error) => void): unknown }): Promise<void> =>
  new Promise((resolve) => server.close(() => resolve()))

export function listenOn(server: Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

export async function startTcpListener(broker: GatewayBroker, host: string, port: number): Promise<Listener> {
  const server = createServer({ noDelay: true }, (socket) => broker.accept(socket, 'tcp'))
  const bound = await listenOn(server, host, port)
  return { name: 'tcp', port: bound, close: () => closeServer(server) }
}
