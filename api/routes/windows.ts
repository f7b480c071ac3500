// GET /api/devices/:id/windows?size&from&to — window aggregates oldest first (chart order), paged
// like readings; one page holds up to limits.maxWindowRows rows (a day of 1-minute windows fits).
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox'
import { encodeCursor, pagedRange } from '../http/cursor.ts'
import { Cursor, DeviceParams, errorResponses, From, IsoTime, Next, To } from '../schemas/common.ts'
import { WindowRow, WindowSize } from '../schemas/window.ts'
import { readWindows } from '../store/windows-store.ts'
import { requireDevice } from './device-exists.ts'
import type { RouteDeps } from './deps.ts'
import { toColumns, WindowColumns } from './window-columns.ts'
import { parseWindowSize } from './window-size.ts'

export const windowRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { db, config, now }) => {
  const lim = config.limits
  const Query = Type.Object(
    {
      size: Type.Optional(WindowSize),
      from: Type.Optional(From),
      to: Type.Optional(To),
      limit: Type.Optional(Type.Integer({ minimum: 1, maximum: lim.maxWindowRows, description: `rows per page, default ${lim.maxWindowRows}` })),
      cursor: Type.Optional(Cursor),
      format: Type.Optional(Type.Union([Type.Literal('rows'), Type.Literal('columns')], { description: 'rows (default) or columns: one array per field per metric' })),
    },
    { additionalProperties: false },
  )
  const Page = Type.Object({
    deviceId: Type.String(),
    sizeSeconds: Type.Integer(),
    from: IsoTime,
    to: IsoTime,
    items: Type.Array(WindowRow, { description: 'oldest window first; one row per metric (empty with format=columns)' }),
    columns: Type.Optional(WindowColumns),
    next: Next,
  })
  app.get(
    '/api/devices/:id/windows',
    {
      schema: {
        tags: ['devices'],
        summary: `window aggregates (count, min, max, mean, stddev, completeness) in [from, to); at most ${lim.windowsMaxRangeMs / 1000} s per request`,
        params: DeviceParams,
        querystring: Query,
        response: { 200: Page, ...errorResponses },
      },
    },
    async (req, reply) => {
      const id = req.params.id
      const sizeS = parseWindowSize(req.query.size ?? '1m')
      const key = `windows/${id}/${sizeS}`
      const { range, cursor } = pagedRange(req.query, { maxMs: lim.windowsMaxRangeMs, defaultMs: lim.defaultRangeMs }, now(), key)
      await requireDevice(db, id)
      const limit = req.query.limit ?? lim.maxWindowRows
      const format = req.query.format ?? 'rows'
      // A day of 1-minute windows is thousands of rows: the serialised body is what identical
      // requests share in the cache window, so each one costs only the write.
      const json = await db.cache.get(`${key}/${range.from}/${range.to}/${limit}/${format}/${req.query.cursor ?? ''}`, async () => {
        const page = await readWindows(db, id, sizeS, range.from, range.to, limit, cursor ?? {})
        const body: Static<typeof Page> = {
          deviceId: id,
          sizeSeconds: sizeS,
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          ...(format === 'columns' ? { items: [], columns: toColumns(page.rows) } : { items: page.rows }),
          next: page.next ? encodeCursor({ key, ...range, ...page.next }) : null,
        }
        return JSON.stringify(body)
      })
      // A string with a JSON content type is sent as is (no second serialisation).
      return reply.type('application/json; charset=utf-8').send(json as unknown as Static<typeof Page>)
    },
  )
}
