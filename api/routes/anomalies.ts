// GET /api/anomalies?deviceId&status&from&to&limit&cursor — newest first. Without deviceId the
// page merges the most recently seen devices (limits.fleetScanDevices), so the cursor is a keyset
// position rather than one partition's paging state.
import { Type, type FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { DeviceId } from '../../contracts/reading.ts'
import { encodeCursor, pagedRange } from '../http/cursor.ts'
import { Cursor, errorResponses, From, IsoTime, Next, To } from '../schemas/common.ts'
import { Anomaly } from '../schemas/anomaly.ts'
import { readAnomalies } from '../store/anomalies-store.ts'
import { deviceActivity } from '../store/devices-store.ts'
import { requireDevice } from './device-exists.ts'
import type { RouteDeps } from './deps.ts'

export const anomalyRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { db, config, now }) => {
  const lim = config.limits
  const Query = Type.Object(
    {
      deviceId: Type.Optional(DeviceId),
      status: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed'), Type.Literal('all')], { description: 'default all' })),
      from: Type.Optional(From),
      to: Type.Optional(To),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: lim.maxPageSize, description: `page size, default ${lim.defaultPageSize}` })),
      cursor: Type.Optional(Cursor),
    },
    { additionalProperties: false },
  )
  const Page = Type.Object({ from: IsoTime, to: IsoTime, items: Type.Array(Anomaly, { description: 'newest opened first' }), next: Next })
  app.get(
    '/api/anomalies',
    {
      schema: {
        tags: ['anomalies'],
        summary: `anomalies opened in [from, to), for one device or the fleet; at most ${lim.anomaliesMaxRangeMs / 1000} s per request`,
        querystring: Query,
        response: { 200: Page, ...errorResponses },
      },
    },
    async (req) => {
      const q = req.query
      const status = q.status ?? 'all'
      const key = `anomalies/${q.deviceId ?? '*'}/${status}`
      const { range, cursor } = pagedRange(q, { maxMs: lim.anomaliesMaxRangeMs, defaultMs: lim.defaultRangeMs }, now(), key)
      let deviceIds: string[]
      if (q.deviceId !== undefined) {
        await requireDevice(db, q.deviceId)
        deviceIds = [q.deviceId]
      } else {
        deviceIds = (await db.cache.get('activity', () => deviceActivity(db, lim.fleetScanDevices))).map((d) => d.deviceId)
      }
      const query = { deviceIds, from: range.from, to: range.to, status, limit: q.limit ?? lim.defaultPageSize }
      const page = await db.cache.get(`${key}/${range.from}/${range.to}/${query.limit}/${req.query.cursor ?? ''}`, () =>
        readAnomalies(db, cursor?.after ? { ...query, after: cursor.after } : query),
      )
      return {
        from: new Date(range.from).toISOString(),
        to: new Date(range.to).toISOString(),
        items: page.items,
        next: page.after ? encodeCursor({ key, ...range, after: page.after }) : null,
      }
    },
  )
}
