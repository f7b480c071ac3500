// GET /api/stream — server-sent events: `window` (new or changed window row), `anomaly` (opened or
// closed), `status` (store unavailable / ok again), and a `: ping` comment as heartbeat.
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { AppError } from '../errors.ts'
import { errorResponses } from '../schemas/common.ts'
import type { StreamClient } from '../stream/stream-hub.ts'
import type { RouteDeps } from './deps.ts'

export const streamRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { hub, config }) => {
  app.get(
    '/api/stream',
    {
      schema: {
        tags: ['stream'],
        summary: 'server-sent events: window, anomaly, status',
        produces: ['text/event-stream'],
        response: { 401: errorResponses[401], 503: errorResponses[503] },
      },
    },
    async (req, reply) => {
      if (hub.full) throw new AppError('API_ERR_TOO_MANY_STREAMS', `at most ${config.stream.maxClients} streams at once; retry later`, { retriable: true })
      reply.hijack()
      const res = reply.raw
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      })
      const client: StreamClient = {
        send: (event, data) => void res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
        comment: (text) => void res.write(`: ${text}\n\n`),
        end: () => res.end(),
      }
      res.write(`retry: 3000\n\n`)
      client.send('hello', { pollIntervalMs: config.stream.pollIntervalMs, windowSizes: config.stream.windowSizes })
      hub.add(client)
      req.raw.on('close', () => hub.remove(client))
    },
  )
}
