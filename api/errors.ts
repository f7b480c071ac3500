// One registry of API error codes (style lesson 3). Codes are stable: never reuse a retired one.
// Every code has exactly one HTTP status here and one row in api/README.md ("Errors"); a test keeps
// the three in step. Responses carry `{ error: code, message }`, never a stack trace.
import { CodedError, type CodedErrorOptions } from '../contracts/coded-error.ts'

export const ApiErrorCodes = [
  'API_ERR_BAD_PARAMS',
  'API_ERR_BAD_TIME',
  'API_ERR_BAD_RANGE',
  'API_ERR_RANGE_TOO_LARGE',
  'API_ERR_BAD_CURSOR',
  'API_ERR_BAD_REQUEST',
  'API_ERR_UNAUTHORIZED',
  'API_ERR_DEVICE_NOT_FOUND',
  'API_ERR_ROUTE_NOT_FOUND',
  'API_ERR_STORE_UNAVAILABLE',
  'API_ERR_TOO_MANY_STREAMS',
  'API_ERR_INTERNAL',
] as const
export type ApiErrorCode = (typeof ApiErrorCodes)[number]

export const httpStatusOf: Readonly<Record<ApiErrorCode, number>> = {
  API_ERR_BAD_PARAMS: 400,
  API_ERR_BAD_TIME: 400,
  API_ERR_BAD_RANGE: 400,
  API_ERR_RANGE_TOO_LARGE: 400,
  API_ERR_BAD_CURSOR: 400,
  API_ERR_BAD_REQUEST: 400,
  API_ERR_UNAUTHORIZED: 401,
  API_ERR_DEVICE_NOT_FOUND: 404,
  API_ERR_ROUTE_NOT_FOUND: 404,
  API_ERR_STORE_UNAVAILABLE: 503,
  API_ERR_TOO_MANY_STREAMS: 503,
  API_ERR_INTERNAL: 500,
}

export type AppErrorOptions = CodedErrorOptions

export class AppError extends CodedError<ApiErrorCode> {
  get statusCode(): number {
    return httpStatusOf[this.code]
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
