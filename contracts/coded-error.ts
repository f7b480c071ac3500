// The one shape of an error every service raises (style.md lesson 3, after kafkajs's KafkaJSError):
// a stable code from the service's own registry, whether trying again later can help, and context
// for the log line. Each service narrows `C` to its registry (GW_ERR_*, PROC_ERR_*, API_ERR_*).
export interface CodedErrorOptions {
  cause?: unknown
  retriable?: boolean
  context?: Record<string, unknown>
}

export class CodedError<C extends string> extends Error {
  readonly code: C
  readonly retriable: boolean
  readonly context: Record<string, unknown>

  constructor(code: C, message: string, opts: CodedErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = new.target.name
    this.code = code
    this.retriable = opts.retriable ?? false
    this.context = opts.context ?? {}
  }
}
