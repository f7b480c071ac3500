// Retries with jittered exponential backoff ("full jitter"), only for errors classified retriable
// (errors.ts). Anything else — a bad statement, a programmer error — is thrown at once.
import { setTimeout as sleep } from 'node:timers/promises'
import { isRetriable } from '../errors.ts'

export interface RetryOptions {
  retries: number
  baseMs: number
  maxMs: number
  /** injectable for tests */
  sleep?: (ms: number) => Promise<unknown>
  random?: () => number
}

export async function withRetry<T>(fn: () => Promise<T>, o: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (attempt >= o.retries || !isRetriable(err)) throw err
      const cap = Math.min(o.maxMs, o.baseMs * 2 ** attempt)
      await (o.sleep ?? sleep)(Math.round(cap / 2 + ((o.random ?? Math.random)() * cap) / 2))
    }
  }
}
