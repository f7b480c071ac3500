// /health (live: the process answers), /ready (Kafka and Cassandra answer, with reasons), /metrics.
// /health/live and /health/ready are aliases (delivery-and-security.md B.8 #37). No auth here.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { runCheck } from '../health/readiness.ts'
import type { RouteDeps } from './deps.ts'

const Check = Type.Object({ ok: Type.Boolean(), latencyMs: Type.Number(), reason: Type.Optional(Type.String()) })
const Ready = Type.Object({ ready: Type.Boolean(), checks: Type.Object({ cassandra: Check, kafka: Check }) })
const Live = Type.Object({ status: Type.Literal('ok'), uptimeSeconds: Type.Number() })
const PROBE_TIMEOUT_MS = 2_000 // a readiness check must answer well inside a load balancer's probe timeout

export const healthRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, deps) => {
  const live = { schema: { tags: ['health'], summary: 'liveness', response: { 200: Live } } }
  const liveHandler = async () => ({ status: 'ok' as const, uptimeSeconds: process.uptime() })
  app.get('/health', live, liveHandler)
  app.get('/health/live', { ...live, schema: { ...live.schema, hide: true } }, liveHandler)

  const ready = { schema: { tags: ['health'], summary: 'readiness: Kafka and Cassandra reachable', response: { 200: Ready, 503: Ready } } }
  const readyHandler = async (_req: unknown, reply: { status(n: number): unknown }) => {
    const [cassandra, kafka] = await Promise.all([runCheck(deps.probes.cassandra, PROBE_TIMEOUT_MS), runCheck(deps.probes.kafka, PROBE_TIMEOUT_MS)])
    const ok = cassandra.ok && kafka.ok
    reply.status(ok ? 200 : 503)
    return { ready: ok, checks: { cassandra, kafka } }
  }
  app.get('/ready', ready, readyHandler)
  app.get('/health/ready', { ...ready, schema: { ...ready.schema, hide: true } }, readyHandler)

  app.get('/metrics', { schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'] } }, async (_req, reply) => {
    return reply.type('text/plain; version=0.0.4; charset=utf-8').send(deps.metrics.render({ api_sse_pollers: deps.hub.polling ? 1 : 0 }))
  })
}
