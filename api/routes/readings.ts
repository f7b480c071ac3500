// GET /api/devices/:id/readings?from&to&limit&cursor — raw readings, newest first, paged with a
// cursor over (day partition, Cassandra paging state); range capped (limits.readingsMaxRangeMs).
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { encodeCursor, pagedRange } from '../http/cursor.ts'
import { Cursor, DeviceParams, errorResponses, From, IsoTime, Next, To } from '../schemas/common.ts'
import { StoredReading } from '../schemas/reading.ts'
import { readReadings } from '../store/readings-store.ts'
import { requireDevice } from './device-exists.ts'
import type { RouteDeps } from './deps.ts'

export const readingRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { db, config, now }) => {
  const lim = config.limits
  const Query = Type.Object(
    {
      from: Type.Optional(From),
      to: Type.Optional(To),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: lim.maxPageSize, description: `page size, default ${lim.defaultPageSize}` })),
      cursor: Type.Optional(Cursor),
    },
    { additionalProperties: false },
  )
  const Page = Type.Object({ deviceId: Type.String(), from: IsoTime, to: IsoTime, items: Type.Array(StoredReading, { description: 'newest first' }), next: Next })
  app.get(
    '/api/devices/:id/readings',
    {
      schema: {
        tags: ['devices'],
        summary: `raw readings in [from, to), newest first; at most ${lim.readingsMaxRangeMs / 1000} s per request`,
        params: DeviceParams,
        querystring: Query,
        response: { 200: Page, ...errorResponses },
      },
    },
    async (req) => {
      const id = req.params.id
      const key = `readings/${id}`
      const { range, cursor } = pagedRange(req.query, { maxMs: lim.readingsMaxRangeMs, defaultMs: lim.defaultRangeMs }, now(), key)
      await requireDevice(db, id)
      const limit = req.query.limit ?? lim.defaultPageSize
      const page = await db.cache.get(`${key}/${range.from}/${range.to}/${limit}/${req.query.cursor ?? ''}`, () =>
        readReadings(db, id, range.from, range.to, limit, cursor ?? {}),
      )
      return {
        deviceId: id,
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        items: page.rows,
        next: page.next ? encodeCursor({ key, ...range, ...page.next }) : null,
      }
    },
  )
}
