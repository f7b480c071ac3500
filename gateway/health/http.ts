// /health (the process is alive), /ready (Kafka reachable or the spool has room: the gateway can
// make a reading durable, so a load balancer may send devices here) and /metrics (Prometheus).
import { createServer, type Server } from 'node:http'
import type { SinkStatus } from '../sink/telemetry-sink.ts'
import type { MetricsRegistry } from './metrics.ts'

export interface HealthDeps {
  registry: MetricsRegistry
  sinkStatus: () => SinkStatus
  /** false once shutdown began */
  serving: () => boolean
}

export function readiness(deps: HealthDeps): { ready: boolean; reasons: string[] } {
  const s = deps.sinkStatus()
  const reasons: string[] = []
  if (!deps.serving()) reasons.push('shutting down')
  if (!s.kafkaReachable && s.spoolLimitBytes === 0) reasons.push('Kafka unreachable and no spool configured')
  if (!s.kafkaReachable && s.spoolLimitBytes > 0) reasons.push('Kafka unreachable (spooling)')
  if (s.spoolLimitBytes > 0 && s.spoolBytes >= s.spoolLimitBytes) reasons.push('spool full')
  return { ready: s.accepting && deps.serving(), reasons }
}

export function createHealthServer(deps: HealthDeps): Server {
  return createServer((req, res) => {
    const json = (status: number, body: unknown): void => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (req.method !== 'GET') return json(405, { error: 'GW_HTTP_METHOD', message: 'GET only' })
    const path = (req.url ?? '/').split('?')[0]
    if (path === '/health') return json(200, { status: 'ok' })
    if (path === '/ready') {
      const r = readiness(deps)
      const s = deps.sinkStatus()
      return json(r.ready ? 200 : 503, { ready: r.ready, reasons: r.reasons, kafkaReachable: s.kafkaReachable, spoolBytes: s.spoolBytes, spoolLimitBytes: s.spoolLimitBytes })
    }
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' })
      return res.end(deps.registry.render())
    }
    json(404, { error: 'GW_HTTP_NOT_FOUND', message: 'try /health, /ready or /metrics' })
  })
}
