// Optional bearer-token auth on /api/* (issue 6 §5). Health, metrics, docs and the dashboard's
// static files stay open; the dashboard sends the token itself. Constant-time comparison.
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { AppError } from '../errors.ts'

const digest = (s: string): Buffer => createHash('sha256').update(s).digest()

export function registerAuth(app: FastifyInstance, token: string): void {
  if (!token) return
  const want = digest(token)
  app.addHook('onRequest', async (req, reply) => {
    if (!req.url.startsWith('/api/')) return
    const header = req.headers.authorization ?? ''
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header)
    if (!m || !timingSafeEqual(digest(m[1] as string), want)) {
      void reply.header('www-authenticate', 'Bearer realm="iot-api"')
      throw new AppError('API_ERR_UNAUTHORIZED', m ? 'bearer token is wrong' : 'this API needs Authorization: Bearer <token>')
    }
  })
}
