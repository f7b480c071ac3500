// kafkajs retries (for ever when idempotent) and its send promise may never settle while Kafka is
// down: every wait that can hold a PUBACK goes through this race, well under the device keepalive.
import type { Clock } from '../clock.ts'
import { AppError } from '../errors.ts'

export function withTimeout<T>(p: Promise<T>, ms: number, clock: Clock, what: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const t = clock.setTimeout(() => reject(new AppError('GW_ERR_KAFKA_TIMEOUT', `${what} timed out after ${ms} ms`, { retriable: true })), ms)
    p.then(
      (v) => {
        clock.clearTimeout(t)
        resolve(v)
      },
      (e: unknown) => {
        clock.clearTimeout(t)
        reject(e)
      },
    )
  })
}
