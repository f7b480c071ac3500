// One registry of gateway error codes (style lesson 3). Codes are stable: never reuse a retired
// one. `retriable` says whether the device (or the caller) may usefully try again later.
import { CodedError, type CodedErrorOptions } from '../contracts/coded-error.ts'

export const GatewayErrorCodes = [
  'GW_ERR_ACL_DENIED',
  'GW_ERR_RATE_LIMITED',
  'GW_ERR_OVERLOADED',
  'GW_ERR_KAFKA_TIMEOUT',
  'GW_ERR_KAFKA_SEND',
  'GW_ERR_SPOOL_FULL',
  'GW_ERR_SPOOL_IO',
  'GW_ERR_SINK_CLOSED',
  'GW_ERR_CREDENTIALS_FILE',
  'GW_ERR_TOPIC_TOO_LONG',
] as const
export type GatewayErrorCode = (typeof GatewayErrorCodes)[number]

export type AppErrorOptions = CodedErrorOptions

export class AppError extends CodedError<GatewayErrorCode> {}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
