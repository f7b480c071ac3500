// MQTT over TLS (8883): certificate chain and key from PEM files. The packet-size guard and all
// limits apply after the handshake exactly as on TCP.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:tls'
import type { GatewayBroker } from '../broker.ts'
import { closeServer, listenOn, type Listener } from './tcp.ts'

export async function startTlsListener(broker: GatewayBroker, host: string, port: number, certFile: string, keyFile: string): Promise<Listener> {
  const server = createServer({ cert: readFileSync(certFile), key: readFileSync(keyFile), minVersion: 'TLSv1.2' }, (socket) => broker.accept(socket, 'tls'))
  // a failed handshake is the client's problem; never let it reach the process
  server.on('tlsClientError', () => {})
  const bound = await listenOn(server as unknown as import('node:net').Server, host, port)
  return { name: 'tls', port: bound, close: () => closeServer(server) }
}
