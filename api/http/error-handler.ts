// Every failure leaves as `{ error: API_ERR_*, message }` with the status of api/errors.ts; never a
// stack trace (fastify test/500s.test.js). Cassandra outages are 503 with the reason.
import type { FastifyError, FastifyInstance } from 'fastify'
import { AppError, httpStatusOf, isAppError } from '../errors.ts'
import { storeUnavailable } from '../store/store-errors.ts'
import type { ApiMetrics } from './metrics.ts'

export function toAppError(err: unknown): AppError {
  if (isAppError(err)) return err
  const fe = err as FastifyError
  if (fe && Array.isArray(fe.validation)) return new AppError('API_ERR_BAD_PARAMS', fe.message, { cause: err })
  const down = storeUnavailable(err)
  if (down) return down
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new AppError('API_ERR_BAD_REQUEST', String(fe.message).slice(0, 240), { cause: err })
  }
  return new AppError('API_ERR_INTERNAL', 'internal error; see the server log for this request id', { cause: err })
}

export function registerErrorHandling(app: FastifyInstance, metrics: ApiMetrics): void {
  app.setErrorHandler((err, req, reply) => {
    const e = toAppError(err)
    const status = httpStatusOf[e.code]
    if (status >= 500) {
      if (e.code === 'API_ERR_STORE_UNAVAILABLE') metrics.storeUnavailable()
      req.log.error({ err, code: e.code }, e.message)
    }
    if (e.code === 'API_ERR_STORE_UNAVAILABLE') void reply.header('retry-after', '5')
    return reply.status(status).type('application/json; charset=utf-8').send({ error: e.code, message: e.message })
  })
  app.setNotFoundHandler((req, reply) => {
    return reply.status(404).send({ error: 'API_ERR_ROUTE_NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` })
  })
}
