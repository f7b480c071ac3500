import cassandra from 'cassandra-driver'

/**
 * The driver's default reconnection backs off up to 10 minutes; a partition paused for an outage
 * should resume within seconds of the node coming back. createCassandraClient (config/) takes no
 * driver options, so the policy is set here before connect(): host pools read it from the
 * options, the control connection copied it at construction. (Proposed: an options parameter.)
 */
export function fastReconnect(client: cassandra.Client): void {
  const policy = new cassandra.policies.reconnection.ExponentialReconnectionPolicy(500, 5_000, false)
  const c = client as unknown as { options: { policies: { reconnection: unknown } }; controlConnection?: { _reconnectionPolicy?: unknown; _reconnectionSchedule?: unknown } }
  c.options.policies.reconnection = policy
  if (c.controlConnection && '_reconnectionPolicy' in c.controlConnection) {
    c.controlConnection._reconnectionPolicy = policy
    c.controlConnection._reconnectionSchedule = policy.newSchedule()
  }
}

