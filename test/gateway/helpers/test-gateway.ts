// Starts the real broker on 127.0.0.1:0 with an in-memory sink (or a given one) and a credentials
// store of a few devices. Low scrypt cost keeps CONNECTs fast; production uses the default.
import { Writable } from 'node:stream'
import { createGatewayBroker, type GatewayBroker } from '../../../gateway/broker.ts'
import { systemClock, type Clock } from '../../../gateway/clock.ts'
import { loadGatewayConfig, type GatewayConfig } from '../../../gateway/config.ts'
import { createGatewayMetrics, type GatewayMetrics } from '../../../gateway/health/gateway-metrics.ts'
import { credentialStore, type CredentialsFile } from '../../../gateway/identity/credentials-file.ts'
import { hashPassword } from '../../../gateway/identity/password-hash.ts'
import { startTcpListener, type Listener } from '../../../gateway/listeners/tcp.ts'
import { createLogger } from '../../../gateway/logger.ts'
import { MemorySink } from '../../../gateway/sink/memory-sink.ts'
import type { TelemetrySink } from '../../../gateway/sink/telemetry-sink.ts'

export const devices = ['dev-1', 'dev-2', 'tas-1', 'esp-1'] as const
export const passwordOf = (id: string): string => `pw-${id}-secret`
/** CONNECT fields of a registered test device: clientId = username = id, its password */
export const loginOf = (id: string) => ({ clientId: id, username: id, password: passwordOf(id) })

let cachedCreds: CredentialsFile | undefined
export async function testCredentials(): Promise<CredentialsFile> {
  if (cachedCreds) return cachedCreds
  const file: CredentialsFile = { devices: {} }
  for (const id of devices) file.devices[id] = { hash: await hashPassword(passwordOf(id), { N: 1024, r: 8, p: 1 }) }
  ;(file.devices['esp-1'] as { sensor?: string }).sensor = 'bme280'
  cachedCreds = file
  return file
}

export type LimitOverrides = Partial<GatewayConfig['limits']>

export interface TestGatewayOptions {
  limits?: LimitOverrides
  allowAnonymous?: boolean
  clock?: Clock
  sink?: TelemetrySink
}

export interface TestGateway {
  port: number
  sink: MemorySink
  anySink: TelemetrySink
  metrics: GatewayMetrics
  broker: GatewayBroker
  config: GatewayConfig
  logs: string[]
  close(): Promise<void>
}

export async function startTestGateway(opts: TestGatewayOptions = {}): Promise<TestGateway> {
  const base = loadGatewayConfig({ argv: [], env: {} })
  const config: GatewayConfig = {
    ...base,
    limits: { ...base.limits, ...opts.limits },
    auth: { ...base.auth, allowAnonymous: opts.allowAnonymous ?? false },
  }
  const memory = new MemorySink()
  const sink = opts.sink ?? memory
  const metrics = createGatewayMetrics()
  const logs: string[] = []
  const log = createLogger('debug', new Writable({ write: (c: Buffer, _e, cb) => (logs.push(c.toString()), cb()) }))
  const broker = await createGatewayBroker({
    config,
    credentials: credentialStore(await testCredentials()),
    sink,
    metrics,
    log,
    clock: opts.clock ?? systemClock,
  })
  const tcp: Listener = await startTcpListener(broker, '127.0.0.1', 0)
  return {
    port: tcp.port,
    sink: memory,
    anySink: sink,
    metrics,
    broker,
    config,
    logs,
    async close() {
      const closed = tcp.close()
      await broker.close()
      await closed
    },
  }
}
