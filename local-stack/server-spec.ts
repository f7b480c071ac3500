// What the stack needs to know about one server: its ports, how to start it and how to ask it
// whether it really answers. stack.ts drives Kafka and Cassandra through this one shape.
import { join, resolve } from 'node:path'
import type { StackConfig } from './config.ts'
import type { ServerName } from './fetch-jars.ts'
import type { RunRecord } from './process-control.ts'

export interface PortSetting {
  name: string
  /** the configured port; without one the port is picked free and remembered */
  setting?: keyof StackConfig
  env: string
}

export interface StartContext {
  config: StackConfig
  dir: string
  libDir: string
  ports: Record<string, number>
  /** ports of every server of this stack instance, by server name (cluster peers need them) */
  peers: Record<string, Record<string, number>>
}

export interface ServerSpec {
  /** instance name: run file, log file and data folder (kafka, kafka-2, cassandra) */
  name: string
  /** which fetched jars it runs */
  artifact: ServerName
  title: string
  ports: PortSetting[]
  /** the port clients use; shown by status and exported to tests */
  clientPort: string
  start(ctx: StartContext): Promise<RunRecord>
  /** resolves with the version the server reports; rejects while it does not answer */
  probe(record: RunRecord, timeoutMs: number): Promise<string>
}

export interface ServerPaths {
  data: string
  logs: string
  conf: string
  logFile: string
  runFile: string
}

export function serverPaths(stackDir: string, server: string): ServerPaths {
  const dir = resolve(stackDir)
  return {
    data: join(dir, 'data', server),
    logs: join(dir, 'logs'),
    conf: join(dir, 'conf'),
    logFile: join(dir, 'logs', `${server}.log`),
    runFile: join(dir, 'run', `${server}.json`),
  }
}
