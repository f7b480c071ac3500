// The Aedes broker with the gateway's hooks and limits. Listeners hand sockets to `accept`, which
// applies the connection cap and the packet-size guard before aedes sees a byte.
import type { Duplex } from 'node:stream'
import { Aedes, type Client } from 'aedes'
import type { Logger } from 'pino'
import type { DeviceEvent } from '../contracts/device-event.ts'
import { createAuthorizePublish } from './acl/authorize-publish.ts'
import { createAuthorizeSubscribe } from './acl/authorize-subscribe.ts'
import type { Clock } from './clock.ts'
import type { GatewayConfig } from './config.ts'
import { createFanOutFilter } from './fan-out.ts'
import type { GatewayMetrics } from './health/gateway-metrics.ts'
import { createAuthHooks } from './identity/authenticate.ts'
import type { CredentialStore } from './identity/credentials-file.ts'
import { GatewaySeq } from './ingest/gateway-seq.ts'
import { FlapDetector } from './limits/flap-detector.ts'
import { guardStream } from './limits/guarded-stream.ts'
import { TokenBuckets } from './limits/token-bucket.ts'
import type { TelemetrySink } from './sink/telemetry-sink.ts'

export interface BrokerDeps {
  config: Pick<GatewayConfig, 'limits' | 'auth' | 'time'>
  credentials: CredentialStore
  sink: TelemetrySink
  metrics: GatewayMetrics
  log: Logger
  clock: Clock
}

export interface GatewayBroker {
  aedes: Aedes
  /** hand a fresh connection (TCP, TLS or WebSocket stream) to the broker */
  accept(stream: Duplex, listener: string): void
  readonly openConnections: number
  /** stop the broker: close clients, wait for pending device events */
  close(): Promise<void>
}

export async function createGatewayBroker(deps: BrokerDeps): Promise<GatewayBroker> {
  const { config, metrics, log, clock, sink } = deps
  const { limits } = config
  const gatewaySeq = new GatewaySeq(clock.now())
  const pendingEvents = new Set<Promise<void>>()
  let open = 0
  const drained = new WeakSet<Client>()

  const flaps = new FlapDetector({ maxConnects: limits.flapMaxConnects, windowMs: limits.flapWindowMs, banMs: limits.flapBanMs, clock })
  const auth = createAuthHooks({
    credentials: deps.credentials,
    maxClientIdLength: limits.maxClientIdLength,
    keepaliveMinSec: limits.keepaliveMinSec,
    keepaliveMaxSec: limits.keepaliveMaxSec,
    allowAnonymous: config.auth.allowAnonymous,
    isAccepting: () => sink.status().accepting,
    isBanned: (id) => limits.flapBanMs > 0 && flaps.isBanned(id),
    onRefused: (client, r) => {
      metrics.connectRefused.inc({ reason: r.reason })
      log.info({ clientId: client.id, reason: r.reason, returnCode: r.code }, 'connect refused')
    },
  })
  const fanOut = createFanOutFilter()
  const authorizePublish = createAuthorizePublish({
    fanOut,
    sink,
    clock,
    metrics,
    log,
    buckets: new TokenBuckets({ ratePerSec: limits.publishRatePerSec, burst: limits.publishBurst, clock }),
    throttleMaxWaitMs: limits.throttleMaxWaitMs,
    maxTopicLength: limits.maxTopicLength,
    ingest: {
      now: () => clock.now(),
      minPlausibleMs: config.time.minPlausibleMs,
      maxFutureSkewMs: config.time.maxFutureSkewMs,
      tasmotaUtcOffsetMin: config.time.tasmotaUtcOffsetMin,
      gatewaySeq,
      sensorFor: (id) => deps.credentials.get(id)?.sensor,
    },
  })

  const aedes = await Aedes.createBroker({
    connectTimeout: limits.connectTimeoutMs, // slow-loris: a socket that never sends CONNECT
    drainTimeout: limits.drainTimeoutMs, // a subscriber that stops reading blocks delivery (aedes #1060)
    maxTopicLevels: limits.maxTopicLevels, // qlobber throws past 100 levels (GHSA-xxqp-5qx8-gj5q)
    maxClientsIdLength: limits.maxClientIdLength,
    keepaliveLimit: 0, // checked in preConnect so the refusal is a valid 3.1.1 CONNACK code
    preConnect: auth.preConnect,
    authenticate: auth.authenticate,
    authorizePublish,
    authorizeSubscribe: createAuthorizeSubscribe(limits.maxSubscriptions, (client, filter, reason) => {
      if (reason === 'acl') metrics.aclDenied.inc({ reason: 'subscribe', op: 'subscribe' })
      else metrics.limitHits.inc({ limit: 'max_subscriptions' })
      log.warn({ clientId: client.id, filter, reason }, 'subscription refused')
    }),
  })

  fanOut.install(aedes)

  const emitEvent = (client: Client, kind: DeviceEvent['kind'], status?: DeviceEvent['status']): void => {
    const ev: DeviceEvent = { deviceId: client.id, kind, at: clock.now() }
    if (status) ev.status = status
    const p = sink.write([{ stream: 'events', key: client.id, value: JSON.stringify(ev) }]).then(
      () => metrics.deviceEvents.inc({ kind }),
      (err: unknown) => log.warn({ clientId: client.id, kind, err: (err as Error).message }, 'device event not stored'),
    )
    pendingEvents.add(p)
    void p.finally(() => pendingEvents.delete(p))
  }

  aedes.on('clientReady', (client) => {
    emitEvent(client, 'connect', 'online')
    if (limits.flapBanMs > 0 && flaps.record(client.id)) {
      metrics.limitHits.inc({ limit: 'flapping' })
      log.warn({ clientId: client.id, banMs: limits.flapBanMs }, 'device reconnects too often: banned')
    }
  })
  // The gateway seq counter is NOT reset on disconnect: (deviceId, boot, seq) must stay unique for
  // the whole gateway run, or downstream deduplication would drop real readings.
  aedes.on('clientDisconnect', (client) => emitEvent(client, 'disconnect', 'offline'))
  aedes.on('keepaliveTimeout', () => metrics.limitHits.inc({ limit: 'keepalive' }))
  aedes.on('clientError', (client, err) => {
    metrics.clientErrors.inc({ phase: 'session' })
    // aedes reports a drain timeout once per pending write; count the client once
    if (err.message === 'drain timeout' && !drained.has(client)) {
      drained.add(client)
      metrics.limitHits.inc({ limit: 'drain_timeout' })
    }
    log.debug({ clientId: client.id, err: err.message }, 'client error')
  })
  aedes.on('connectionError', (_client, err) => {
    metrics.clientErrors.inc({ phase: err.message.includes('connect did not arrive') ? 'connect_timeout' : 'connect' })
    if (err.message.includes('connect did not arrive')) metrics.limitHits.inc({ limit: 'connect_timeout' })
    log.debug({ err: err.message }, 'connection error')
  })

  return {
    aedes,
    get openConnections() {
      return open
    },
    accept(stream, listener) {
      metrics.connectionsTotal.inc({ listener })
      if (open >= limits.maxConnections || aedes.closed) {
        // connection flood: refused at accept, before any parsing or allocation
        metrics.limitHits.inc({ limit: 'max_connections' })
        stream.destroy()
        return
      }
      open++
      stream.once('close', () => open--)
      stream.on('error', () => {})
      const guarded = guardStream(stream, {
        maxPacketBytes: limits.maxPacketBytes,
        readBatchBytes: limits.readBatchBytes,
        onReject: (v) => {
          metrics.limitHits.inc({ limit: v.reason === 'too_large' ? 'max_packet_size' : 'malformed_length' })
          log.warn({ listener, reason: v.reason, declared: v.declared }, 'packet refused before buffering')
        },
      })
      aedes.handle(guarded)
    },
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()))
      await Promise.allSettled([...pendingEvents])
    },
  }
}
