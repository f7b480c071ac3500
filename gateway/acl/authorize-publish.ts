// aedes `authorizePublish` is where delivery is decided, because aedes writes the QoS 1 PUBACK
// BEFORE its `published` hook (lib/handlers/publish.js: [authorizePublish, enqueuePublish]).
// So this hook checks the ACL and the rate, ingests, and calls back only once the resulting
// records are durable. An error closes the connection without a PUBACK [MQTT-3.3.5-2]; the
// device keeps the message and resends it after reconnecting. While the callback is pending,
// aedes reads no more from this socket (client.js nextBatch), which is per-device backpressure.
// The same hook runs for Last Will messages (aedes client.close), so a Will passes the same ACL.
import type { Client, PublishPacket } from 'aedes'
import type { Logger } from 'pino'
import type { Clock } from '../clock.ts'
import { rejectedCounter } from '../../contracts/pipeline-counters.ts'
import { AppError, isAppError } from '../errors.ts'
import type { FanOutFilter } from '../fan-out.ts'
import type { GatewayMetrics } from '../health/gateway-metrics.ts'
import { logThrottle } from '../health/log-throttle.ts'
import { ingestMessage, type IngestContext } from '../ingest/ingest-message.ts'
import type { TokenBuckets } from '../limits/token-bucket.ts'
import type { TelemetrySink } from '../sink/telemetry-sink.ts'
import { classifyTopic } from './topic-routes.ts'

export interface AuthorizePublishDeps {
  sink: TelemetrySink
  /** accepted telemetry is not fanned out to MQTT subscribers (fan-out.ts) */
  fanOut?: Pick<FanOutFilter, 'kafkaOnly'>
  ingest: IngestContext
  buckets: TokenBuckets
  clock: Clock
  throttleMaxWaitMs: number
  maxTopicLength: number
  metrics: GatewayMetrics
  log: Logger
}

type Callback = (err?: Error | null) => void

const UNACKED_LOG_EVERY_MS = 10_000

export function createAuthorizePublish(deps: AuthorizePublishDeps) {
  const { metrics, log } = deps
  const unackedLog = logThrottle(UNACKED_LOG_EVERY_MS, () => deps.clock.now())

  const deliver = (client: Client, packet: PublishPacket, route: ReturnType<typeof classifyTopic>, isWill: boolean, cb: Callback): void => {
    if (route.kind === 'denied') return
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload
    const dialect = route.kind === 'telemetry' || route.kind === 'status' ? route.dialect : 'unknown'
    metrics.received.inc({ dialect })
    const outcome = ingestMessage({ route, topic: packet.topic, payload, clientId: client.id, isWill }, deps.ingest)
    if (outcome.nanDropped > 0) metrics.sensorReadFailures.inc({}, outcome.nanDropped)
    if (outcome.records.length === 0) return cb(null) // only failed reads: counted, nothing to store
    const t0 = deps.clock.now()
    deps.sink.write(outcome.records).then(
      (via) => {
        metrics.durableSeconds.observe((deps.clock.now() - t0) / 1000)
        // Pipeline account (GET /api/pipeline): counted only once durable, so a publish left
        // unacknowledged (and resent by the device) is counted once, when its resend is durable.
        // Units: each reading, and each rejected message; status/Will events are not readings.
        const tally = metrics.pipeline
        const n = outcome.readings + (outcome.rejected ? 1 : 0)
        if (n > 0) tally.inc(client.id, 'received', n)
        if (outcome.readings > 0) tally.inc(client.id, via === 'spooled' ? 'spooled' : 'accepted', outcome.readings)
        if (outcome.rejected) tally.inc(client.id, rejectedCounter(outcome.rejected))
        if (outcome.readings > 0) metrics.accepted.inc({}, outcome.readings)
        if (outcome.rejected) metrics.rejected.inc({ reason: outcome.rejected })
        if (outcome.events > 0) metrics.deviceEvents.inc({ kind: isWill ? 'will' : 'status' }, outcome.events)
        if (route.kind === 'telemetry') deps.fanOut?.kafkaOnly(packet)
        cb(null)
      },
      (err: unknown) => {
        const code = isAppError(err) ? err.code : 'GW_ERR_KAFKA_SEND'
        metrics.unacked.inc({ code })
        unackedLog(code, (suppressed) =>
          log.warn({ clientId: client.id, topic: packet.topic, code, err: (err as Error).message, suppressed }, 'not durable; publish left unacknowledged (one line per code every 10 s; all counted in gateway_publish_not_acked_total)'),
        )
        cb(isAppError(err) ? err : new AppError('GW_ERR_KAFKA_SEND', 'not durable', { cause: err, retriable: true }))
      },
    )
  }

  return function authorizePublish(client: Client | null, packet: PublishPacket, cb: Callback): void {
    // Wills of clients from other broker instances arrive without a client: not ours to vouch for.
    if (!client?.id) return cb(new AppError('GW_ERR_ACL_DENIED', 'publish without an authenticated client'))
    // aedes passes `client.will` itself when it fires the Will (lib/client.js close → finish).
    const isWill = (client as Client & { will?: unknown }).will === packet
    if (Buffer.byteLength(packet.topic) > deps.maxTopicLength) {
      metrics.limitHits.inc({ limit: 'topic_length' })
      return cb(new AppError('GW_ERR_TOPIC_TOO_LONG', 'topic too long'))
    }
    const route = classifyTopic(packet.topic, client.id)
    if (route.kind === 'denied') {
      metrics.aclDenied.inc({ reason: route.reason, op: isWill ? 'will' : 'publish' })
      log.warn({ clientId: client.id, topic: packet.topic, reason: route.reason, isWill }, 'publish denied by ACL')
      return cb(new AppError('GW_ERR_ACL_DENIED', `publish to ${packet.topic} denied`))
    }
    // Only status topics keep the retain flag: aedes' retained store grows with every distinct
    // topic, and a device could otherwise fill memory with retained messages on made-up topics.
    if (packet.retain && route.kind !== 'status') {
      packet.retain = false
      metrics.limitHits.inc({ limit: 'retain_stripped' })
    }
    if (isWill) return deliver(client, packet, route, true, cb)
    const wait = deps.buckets.reserve(client.id, deps.throttleMaxWaitMs)
    if (wait < 0) {
      metrics.limitHits.inc({ limit: 'publish_rate' })
      return cb(new AppError('GW_ERR_RATE_LIMITED', 'publish rate above budget', { retriable: true }))
    }
    if (wait === 0) return deliver(client, packet, route, false, cb)
    metrics.limitHits.inc({ limit: 'publish_rate_throttled' })
    deps.clock.setTimeout(() => deliver(client, packet, route, false, cb), wait)
  }
}
