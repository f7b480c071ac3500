// GET /api/devices (paged registry) and GET /api/devices/:id.
import { Type, type FastifyPluginAsyncTypebox, type Static } from '@fastify/type-provider-typebox'
import { AppError } from '../errors.ts'
import { decodeCursor, encodeCursor } from '../http/cursor.ts'
import { Cursor, DeviceParams, errorResponses, Next } from '../schemas/common.ts'
import { Device } from '../schemas/device.ts'
import { getDevice, listDevices } from '../store/devices-store.ts'
import type { RouteDeps } from './deps.ts'

export const deviceRoutes: FastifyPluginAsyncTypebox<RouteDeps> = async (app, { db, config }) => {
  const lim = config.limits
  const Query = Type.Object(
    { limit: Type.Optional(Type.Integer({ minimum: 1, maximum: lim.maxPageSize, description: `page size, default ${lim.defaultPageSize}` })), cursor: Type.Optional(Cursor) },
    { additionalProperties: false },
  )
  const Page = Type.Object({ items: Type.Array(Device), next: Next })
  app.get(
    '/api/devices',
    {
      schema: {
        tags: ['devices'],
        summary: 'device registry with status and last seen, paged (token order)',
        querystring: Query,
        response: { 200: Page, ...errorResponses },
      },
    },
    async (req, reply) => {
      const c = req.query.cursor === undefined ? undefined : decodeCursor(req.query.cursor, 'devices')
      const limit = req.query.limit ?? lim.defaultPageSize
      // Every open dashboard polls this page: identical requests in the cache window share the
      // query and the serialised body.
      const json = await db.cache.get(`devices/${limit}/${c?.page ?? ''}`, async () => {
        const page = await listDevices(db, limit, c?.page)
        const body: Static<typeof Page> = { items: page.items, next: page.pageState ? encodeCursor({ key: 'devices', from: 0, to: 0, page: page.pageState }) : null }
        return JSON.stringify(body)
      })
      return reply.type('application/json; charset=utf-8').send(json as unknown as Static<typeof Page>)
    },
  )

  app.get(
    '/api/devices/:id',
    { schema: { tags: ['devices'], summary: 'one device', params: DeviceParams, response: { 200: Device, ...errorResponses } } },
    async (req) => {
      const d = await db.cache.get(`device/${req.params.id}`, () => getDevice(db, req.params.id))
      if (!d) throw new AppError('API_ERR_DEVICE_NOT_FOUND', `no device "${req.params.id}" in the registry`)
      return d
    },
  )
}
