// Stable reason codes on `iot.readings.dlq` (contracts/dead-letter.ts pattern ^[A-Z][A-Z0-9_]{2,63}$).
export const RejectReasons = [
  'GW_REJECT_UNPARSEABLE',
  'GW_REJECT_SCHEMA',
  'GW_REJECT_UNKNOWN_DIALECT',
  'GW_REJECT_IMPOSSIBLE_VALUE',
  /** the gateway itself failed on this input: kept for replay after a fix, never a crash or a resend loop */
  'GW_REJECT_INTERNAL',
] as const
export type RejectReason = (typeof RejectReasons)[number]

export class Rejection {
  readonly reason: RejectReason
  readonly message: string
  constructor(reason: RejectReason, message: string) {
    this.reason = reason
    this.message = message
  }
}
