// One registry of processor error codes (style lesson 3). Codes are stable: never reuse a retired
// one. `retriable` says whether trying the same thing again later can succeed (kafkajs style):
// Cassandra/Kafka unreachable or timing out is retriable; a bad record or a bad rules file is not.
import { CodedError, type CodedErrorOptions } from '../contracts/coded-error.ts'

export const ProcessorErrorCodes = [
  'PROC_ERR_STORE_UNAVAILABLE',
  'PROC_ERR_STORE_WRITE',
  'PROC_ERR_CHECKPOINT',
  'PROC_ERR_RULES_FILE',
  'PROC_ERR_KAFKA',
] as const
export type ProcessorErrorCode = (typeof ProcessorErrorCodes)[number]

/** Reason codes written to iot.readings.dlq (DeadLetter.reason) for records the processor rejects. */
export const ProcessorRejectReasons = ['PROC_REJECT_UNPARSEABLE', 'PROC_REJECT_INVALID', 'PROC_REJECT_FUTURE_EVENT_TIME', 'PROC_REJECT_PROCESSING_FAILED'] as const
export type ProcessorRejectReason = (typeof ProcessorRejectReasons)[number]

export type ProcErrorOptions = CodedErrorOptions

export class ProcError extends CodedError<ProcessorErrorCode> {}

/**
 * Whether a boundary error is worth retrying. Programmer errors (TypeError, RangeError…) never are;
 * driver errors for an unreachable or overloaded cluster, timeouts and kafkajs errors flagged
 * `retriable` are.
 */
export function isRetriable(err: unknown): boolean {
  if (err instanceof ProcError) return err.retriable
  if (err instanceof TypeError || err instanceof RangeError || err instanceof SyntaxError || err instanceof ReferenceError) return false
  const e = err as { name?: string; retriable?: boolean; code?: number | string }
  if (typeof e?.retriable === 'boolean') return e.retriable
  // cassandra-driver: NoHostAvailableError, OperationTimedOutError, BusyConnectionError; server
  // errors WriteTimeout (0x1100), Unavailable (0x1000), Overloaded (0x1001), ReadTimeout (0x1200).
  if (e?.name && ['NoHostAvailableError', 'OperationTimedOutError', 'BusyConnectionError', 'DriverInternalError'].includes(e.name)) return true
  if (typeof e?.code === 'number' && [0x1000, 0x1001, 0x1100, 0x1200, 0x1002].includes(e.code)) return true
  return false
}
