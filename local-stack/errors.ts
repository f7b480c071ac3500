// Stable error codes of the local stack. Each message says what to do next; `retriable` says
// whether running the same command again can help without changing anything.
export const StackErrorCodes = [
  'STACK_ERR_JAVA_MISSING',
  'STACK_ERR_JAVA_VERSION',
  'STACK_ERR_MAVEN_MISSING',
  'STACK_ERR_FETCH_FAILED',
  'STACK_ERR_PORT_TAKEN',
  'STACK_ERR_START_FAILED',
  'STACK_ERR_START_TIMEOUT',
  'STACK_ERR_STOP_FAILED',
] as const
export type StackErrorCode = (typeof StackErrorCodes)[number]

export class StackError extends Error {
  readonly code: StackErrorCode
  readonly retriable: boolean

  constructor(code: StackErrorCode, message: string, opts: { retriable?: boolean; cause?: unknown } = {}) {
    super(message, { cause: opts.cause })
    this.name = 'StackError'
    this.code = code
    this.retriable = opts.retriable ?? false
  }
}
