// /ready: a real round trip to each dependency, bounded by a timeout, with the reason when it fails
// (delivery-and-security.md B.8 #37). Probes are injectable so tests can fake dependency states.
import type cassandra from 'cassandra-driver'
import { Kafka, type Admin } from 'kafkajs'
import { kafkaClientConfig, type KafkaConnection } from '../../config/kafka-connection.ts'

/** Resolves when the dependency answered; rejects with the reason otherwise. */
export type Probe = () => Promise<void>
export interface Probes {
  cassandra: Probe
  kafka: Probe
  close?: () => Promise<void>
}

export interface CheckResult {
  ok: boolean
  latencyMs: number
  reason?: string
}

export function cassandraProbe(client: cassandra.Client, timeoutMs: number): Probe {
  return async () => {
    await client.execute('SELECT release_version FROM system.local', [], { prepare: true, readTimeout: timeoutMs })
  }
}

/** One long-lived admin client; dropped and rebuilt after a failure so a dead socket is not reused. */
export function kafkaProbe(conn: KafkaConnection): { probe: Probe; close: () => Promise<void> } {
  let admin: Admin | undefined
  const drop = async (): Promise<void> => {
    const a = admin
    admin = undefined
    await a?.disconnect().catch(() => {})
  }
  return {
    probe: async () => {
      try {
        if (!admin) {
          admin = new Kafka({ ...kafkaClientConfig(conn, 'api-ready'), retry: { retries: 0 } }).admin()
          await admin.connect()
        }
        await admin.describeCluster()
      } catch (err) {
        await drop()
        throw err
      }
    },
    close: drop,
  }
}

export async function runCheck(probe: Probe, timeoutMs: number, now: () => number = Date.now): Promise<CheckResult> {
  const t0 = now()
  let timer: NodeJS.Timeout | undefined
  try {
    await Promise.race([
      probe(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs)
      }),
    ])
    return { ok: true, latencyMs: now() - t0 }
  } catch (err) {
    const reason = err instanceof Error ? `${err.message.split('\n')[0] ?? ''}`.slice(0, 240) : String(err)
    return { ok: false, latencyMs: now() - t0, reason: reason || 'failed' }
  } finally {
    clearTimeout(timer)
  }
}
