// GET /health (live), GET /ready (joined the group, no partition paused, store reachable) with the
// reasons when not, GET /metrics (Prometheus). node:http, no framework: three routes.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface HealthSource {
  ready: () => { ready: boolean; reasons: string[]; detail: object }
  metrics: () => string
}

export async function startHealthServer(host: string, port: number, src: HealthSource): Promise<{ server: Server; port: number }> {
  const server = createServer((req, res) => {
    const url = (req.url ?? '/').split('?')[0]
    if (req.method !== 'GET') {
      res.writeHead(405, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'PROC_HTTP_METHOD', message: 'GET only' }))
      return
    }
    if (url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ status: 'live' }))
    } else if (url === '/ready') {
      const r = src.ready()
      res.writeHead(r.ready ? 200 : 503, { 'content-type': 'application/json' }).end(JSON.stringify({ status: r.ready ? 'ready' : 'not ready', reasons: r.reasons, ...r.detail }))
    } else if (url === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(src.metrics())
    } else {
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'PROC_HTTP_NOT_FOUND', message: `no route ${url}` }))
    }
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => resolve())
  })
  return { server, port: (server.address() as AddressInfo).port }
}
