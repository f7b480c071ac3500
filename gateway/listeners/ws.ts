// MQTT over WebSocket (subprotocol "mqtt"), for browser dashboards and devices behind HTTP
// proxies. `ws` is the library MQTT.js itself uses. maxPayload bounds a frame before buffering,
// the packet-size guard then bounds MQTT packets as on TCP.
import { createServer } from 'node:http'
import { WebSocketServer, createWebSocketStream } from 'ws'
import type { GatewayBroker } from '../broker.ts'
import { closeServer, listenOn, type Listener } from './tcp.ts'

export async function startWsListener(broker: GatewayBroker, host: string, port: number, maxPacketBytes: number): Promise<Listener> {
  const http = createServer((_req, res) => {
    res.statusCode = 426
    res.end()
  })
  const wss = new WebSocketServer({ server: http, maxPayload: maxPacketBytes + 8 })
  wss.on('connection', (ws) => {
    const stream = createWebSocketStream(ws)
    broker.accept(stream, 'ws')
  })
  const bound = await listenOn(http, host, port)
  return {
    name: 'ws',
    port: bound,
    close: async () => {
      wss.close()
      await closeServer(http)
    },
  }
}
