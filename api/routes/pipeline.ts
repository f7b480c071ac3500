// GET /api/pipeline — conservation accounting per device and in total, from the counters the
// gateway and processor flush to Cassandra (contracts/pipeline-counters.ts).
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { addCounts, conservation } from '../pipeline/conservation.ts'
import { errorResponses } from '../schemas/common.ts'
import { PipelineQuery, PipelineReport } from '../schemas/pipeline.ts'
import { readPipelineCounters } from '../store/pipeline-store.ts'
import type { RouteDeps } from './deps.ts'

export const pipelineRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { db, now }) => {
  app.get(
    '/api/pipeline',
    {
      schema: {
        tags: ['pipeline'],
        summary: 'where every reading went: gateway received = accepted + rejected + spooled; accepted → stored raw → windows',
        querystring: PipelineQuery,
        response: { 200: PipelineReport, ...errorResponses },
      },
    },
    async (req) => {
      const { instances, sums } = await db.cache.get('pipeline', () => readPipelineCounters(db))
      const ids = new Set([...sums.gateway.keys(), ...sums.processor.keys()])
      const gwTotal = new Map<string, number>()
      const procTotal = new Map<string, number>()
      const devices = [...ids]
        .sort()
        .map((deviceId) => {
          const gw = sums.gateway.get(deviceId)
          const proc = sums.processor.get(deviceId)
          if (gw) addCounts(gwTotal, gw)
          if (proc) addCounts(procTotal, proc)
          return { deviceId, ...conservation(gw, proc) }
        })
        .filter((d) => req.query.deviceId === undefined || d.deviceId === req.query.deviceId)
      return { generatedAt: new Date(now()).toISOString(), instances, total: conservation(gwTotal, procTotal), devices }
    },
  )
}
