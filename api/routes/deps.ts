import type { ApiConfig } from '../config.ts'
import type { Probes } from '../health/readiness.ts'
import type { ApiMetrics } from '../http/metrics.ts'
import type { Db } from '../store/db.ts'
import type { StreamHub } from '../stream/stream-hub.ts'

/** What every route plugin gets (passed as plugin options, no decorators). */
export interface RouteDeps {
  db: Db
  config: ApiConfig
  now: () => number
  metrics: ApiMetrics
  probes: Probes
  hub: StreamHub
}
