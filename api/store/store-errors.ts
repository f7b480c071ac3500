// Which Cassandra driver failures mean "the store is unavailable" (503, retriable) rather than a bug.
// Anything else is a programmer error and becomes a 500 without details.
import cassandra from 'cassandra-driver'
import { AppError } from '../errors.ts'

const { errors, types } = cassandra
const rc = types.responseErrorCodes
const unavailableResponses = new Set<number>([
  rc.unavailableException,
  rc.overloaded,
  rc.isBootstrapping,
  rc.readTimeout,
  rc.readFailure,
  rc.writeTimeout,
  rc.writeFailure,
  rc.truncateError,
])

/** The first line of a driver message, bounded: enough to say why, never a stack. */
const reasonOf = (err: Error): string => `${err.name}: ${(err.message.split('\n')[0] ?? '').slice(0, 240)}`

export function storeUnavailable(err: unknown): AppError | undefined {
  if (
    err instanceof errors.NoHostAvailableError ||
    err instanceof errors.OperationTimedOutError ||
    err instanceof errors.BusyConnectionError ||
    (err instanceof errors.ResponseError && unavailableResponses.has(err.code)) ||
    (err instanceof Error && /ECONNREFUSED|ECONNRESET|EHOSTUNREACH|ETIMEDOUT|was shutdown/i.test(err.message))
  ) {
    return new AppError('API_ERR_STORE_UNAVAILABLE', `Cassandra unavailable: ${reasonOf(err as Error)}`, { cause: err, retriable: true })
  }
  // A keyspace or table that is not there yet: the store is not ready for this API version.
  if (err instanceof errors.ResponseError && err.code === rc.invalid && /unconfigured table|(table|keyspace) \S+ does not exist/i.test(err.message)) {
    return new AppError('API_ERR_STORE_UNAVAILABLE', `Cassandra schema missing (run npm run cql:migrate): ${reasonOf(err)}`, { cause: err, retriable: true })
  }
  return undefined
}

/** A paging state Cassandra refuses: the caller's cursor was tampered with or is from another query. */
export const isBadPagingState = (err: unknown): boolean =>
  err instanceof errors.ResponseError && (err.code === rc.protocolError || err.code === rc.invalid || err.code === rc.serverError)
