// One registry of gateway error codes (style lesson 3). Codes are stable: never reuse a retired
// one. `retriable` says whether the device (or the caller) may usefully try again later.
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

export interface AppErrorOptions {
  cause?: unknown
  retriable?: boolean
  context?: Record<string, unknown>
}

export class AppError extends Error {
  readonly code: GatewayErrorCode
  readonly retriable: boolean
  readonly context: Record<string, unknown>

  constructor(code: GatewayErrorCode, message: string, opts: AppErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'AppError'
    this.code = code
    this.retriable = opts.retriable ?? false
    this.context = opts.context ?? {}
  }
}

export const isAppError = (e: unknown): e is AppError => e instanceof AppError
