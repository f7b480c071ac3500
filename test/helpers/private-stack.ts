// A throw-away stack instance for fault tests: its own dir, free ports, small heaps. Tests may
// stop, SIGKILL and restart its servers without disturbing the shared stack other tests use.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadConfig } from '../../config/load-config.ts'
import { StackConfig } from '../../local-stack/config.ts'
import { stackDown, stackKill, stackUp, type ServerChoice, type StackEndpoints } from '../../local-stack/stack.ts'

export interface PrivateStack {
  cfg: StackConfig
  endpoints: StackEndpoints
  /** SIGKILL one server (`kafka`, `kafka-2`, `cassandra`), no clean-up */
  kill(server: string): void
  /** SIGTERM then SIGKILL after the grace period; `kafka` stops every Kafka node */
  stop(server: string): Promise<void>
  /** (re)start on the same data and ports */
  start(server: string): Promise<void>
  destroy(): Promise<void>
}

export async function privateStack(servers: ServerChoice = ['kafka', 'cassandra'], opts: { kafkaNodes?: number } = {}): Promise<PrivateStack> {
  const shared = loadConfig(StackConfig).stack
  const dir = mkdtempSync(join(tmpdir(), 'iot-private-stack-'))
  const argv = [
    `--stack-dir=${dir}`,
    `--stack-cache-dir=${shared.cacheDir}`,
    '--stack-kafka-port=0',
    '--stack-kafka-controller-port=0',
    '--stack-cassandra-port=0',
    '--stack-cassandra-storage-port=0',
    '--stack-kafka-heap-mb=256',
    '--stack-cassandra-heap-mb=512',
    '--stack-stop-timeout-ms=15000',
    `--stack-kafka-nodes=${opts.kafkaNodes ?? 1}`,
  ]
  const cfg = loadConfig(StackConfig, { argv, env: {} }).stack
  const quiet = (): void => {}
  const endpoints = await stackUp(cfg, quiet, servers)
  return {
    cfg,
    endpoints,
    kill: (server) => void stackKill(cfg, server),
    stop: (server) => stackDown(cfg, quiet, [server]),
    start: async (server) => void (await stackUp(cfg, quiet, [server])),
    destroy: async () => {
      await stackDown(cfg, quiet)
      rmSync(dir, { recursive: true, force: true })
    },
  }
}
