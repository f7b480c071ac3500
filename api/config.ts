// Settings of `npm run api`: one TypeBox schema gives the defaults, the --flags, the IOT_*
// variables and --help (config/load-config.ts). Range caps bound what one request may ask of
// Cassandra: an unbounded range is a denial-of-service by query (delivery-and-security.md B.8 #36).
import { Type, type Static } from '@sinclair/typebox'
import { CassandraConnection } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'

const DAY_MS = 86_400_000

export const HttpSettings = Type.Object({
  host: Type.String({ minLength: 1, default: '0.0.0.0', description: 'listen address' }),
  port: Type.Integer({ minimum: 0, maximum: 65_535, default: 8080, description: 'listen port (0 picks a free port)' }),
  authToken: Type.String({ default: '', description: 'bearer token required on /api/* (empty: no auth; never logged)' }),
  logLevel: Type.Union(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)), {
    default: 'info',
    description: 'pino log level',
  }),
})
export type HttpSettings = Static<typeof HttpSettings>

export const QueryLimits = Type.Object({
  readingsMaxRangeMs: Type.Integer({ minimum: 60_000, maximum: 31 * DAY_MS, default: 7 * DAY_MS, description: 'widest from..to of /readings, ms (7 days)' }),
  windowsMaxRangeMs: Type.Integer({ minimum: 60_000, maximum: 366 * DAY_MS, default: 31 * DAY_MS, description: 'widest from..to of /windows, ms (31 days)' }),
  anomaliesMaxRangeMs: Type.Integer({ minimum: 60_000, maximum: 366 * DAY_MS, default: 31 * DAY_MS, description: 'widest from..to of /anomalies, ms (31 days)' }),
  defaultRangeMs: Type.Integer({ minimum: 60_000, maximum: 31 * DAY_MS, default: DAY_MS, description: 'range when from is omitted, ms (24 h)' }),
  maxPageSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 1_000, description: 'largest limit a request may ask for' }),
  defaultPageSize: Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'page size when limit is omitted' }),
  // A 24 h range of 1-minute windows with 4 metrics is 5,760 rows: the default covers it in one page.
  maxWindowRows: Type.Integer({ minimum: 1, maximum: 100_000, default: 20_000, description: 'most window rows one /windows request returns' }),
  fleetScanDevices: Type.Integer({ minimum: 1, maximum: 100_000, default: 1_000, description: 'most devices a fleet-wide /anomalies request scans (most recently seen first)' }),
  cacheMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 1_000, description: 'identical reads within this many ms share one Cassandra query (0: off)' }),
  queryTimeoutMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 5_000, description: 'per-query Cassandra timeout, ms' }),
})
export type QueryLimits = Static<typeof QueryLimits>

export const StreamSettings = Type.Object({
  pollIntervalMs: Type.Integer({ minimum: 100, maximum: 60_000, default: 2_000, description: 'how often /api/stream looks for new windows and anomalies, ms' }),
  heartbeatMs: Type.Integer({ minimum: 1_000, maximum: 120_000, default: 15_000, description: 'SSE comment sent to keep proxies from closing idle streams, ms' }),
  maxClients: Type.Integer({ minimum: 1, maximum: 10_000, default: 100, description: 'concurrent /api/stream clients (each holds a socket)' }),
  windowSizes: Type.Array(Type.Integer({ minimum: 1, maximum: 86_400 }), { minItems: 1, default: [60], description: 'window sizes (seconds) whose new rows the stream announces, comma-separated' }),
  maxDevices: Type.Integer({ minimum: 1, maximum: 100_000, default: 1_000, description: 'devices the stream poller watches (the most recently seen)' }),
})
export type StreamSettings = Static<typeof StreamSettings>

export const ApiConfig = Type.Object({
  http: HttpSettings,
  limits: QueryLimits,
  stream: StreamSettings,
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
})
export type ApiConfig = Static<typeof ApiConfig>
