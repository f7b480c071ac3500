// Structured logs; secrets never reach a log line (pino redact, style lesson 14). The flush
// caveat: pino writes asynchronously to files, so main.ts flushes before exit.
import { pino, type Logger, type DestinationStream } from 'pino'

export const redactPaths = ['password', '*.password', 'authorization', '*.authorization', 'token', '*.token', 'kafka.saslPassword']

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const opts = { level, base: { svc: 'gateway' }, redact: { paths: redactPaths, censor: '[redacted]' } }
  return destination ? pino(opts, destination) : pino(opts)
}
export type { Logger }
