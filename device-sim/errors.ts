// One error registry for the simulator and its profiles (style.md lesson 3). Codes are stable: a
// retired code is never reused, and test/device-sim/errors.test.ts checks this table against the
// README so the documented list cannot drift.
export const SimErrorCodes = [
  'SIM_ERR_INVALID_ARGS',
  'SIM_ERR_UNKNOWN_PROFILE',
  'SIM_ERR_INVALID_PROFILE',
  'SIM_ERR_INVALID_FLEET',
  'SIM_ERR_INTERVAL_TOO_SHORT',
  'SIM_ERR_BROKER_UNREACHABLE',
  'SIM_ERR_INVALID_REPLAY',
  'SIM_ERR_IO',
] as const
export type SimErrorCode = (typeof SimErrorCodes)[number]

/** Exit status per code: 2 for anything the user typed or wrote, 3 for the outside world. */
export const exitCodes: Readonly<Record<SimErrorCode, number>> = {
  SIM_ERR_INVALID_ARGS: 2,
  SIM_ERR_UNKNOWN_PROFILE: 2,
  SIM_ERR_INVALID_PROFILE: 2,
  SIM_ERR_INVALID_FLEET: 2,
  SIM_ERR_INTERVAL_TOO_SHORT: 2,
  SIM_ERR_BROKER_UNREACHABLE: 3,
  SIM_ERR_INVALID_REPLAY: 2,
  SIM_ERR_IO: 3,
}

export interface SimErrorOptions {
  cause?: unknown
  retriable?: boolean
  details?: readonly string[]
}

export class SimError extends Error {
  readonly code: SimErrorCode
  readonly retriable: boolean
  readonly details: readonly string[]

  constructor(code: SimErrorCode, message: string, opts: SimErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause })
    this.name = 'SimError'
    this.code = code
    this.retriable = opts.retriable ?? false
    this.details = opts.details ?? []
  }
}

export const isSimError = (e: unknown): e is SimError => e instanceof SimError
