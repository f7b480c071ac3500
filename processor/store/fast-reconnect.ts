import cassandra from 'cassandra-driver'
import type { CassandraClientOptions } from '../../config/cassandra-connection.ts'

/**
 * The driver's default reconnection backs off up to 10 minutes; a partition paused for an outage
 * should resume within seconds of the node coming back. Passed to createCassandraClient, which
 * hands it to the driver as `policies.reconnection` (a supported ClientOptions field: the host
 * pools and the control connection both take their schedules from it).
 */
export const fastReconnect = (): Required<Pick<CassandraClientOptions, 'driver'>> => ({
  driver: { policies: { reconnection: new cassandra.policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false) } },
})
