// How every service reaches Cassandra. Defaults match the local stack; contact points, data
// centre, credentials, TLS and replication point the same code at an external cluster.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import cassandra from 'cassandra-driver'

export const CassandraConnection = Type.Object({
  contactPoints: Type.Array(Type.String({ pattern: '^[^\\s,]+$' }), {
    minItems: 1,
    default: ['127.0.0.1:9042'],
    description: 'contact points, host or host:port, comma-separated',
  }),
  localDataCenter: Type.String({ minLength: 1, default: 'datacenter1', description: 'local data centre for the load-balancing policy' }),
  keyspace: Type.String({ pattern: '^[a-z][a-z0-9_]{0,47}$', default: 'iot', description: 'keyspace' }),
  username: Type.String({ default: '', description: 'username (PasswordAuthenticator)' }),
  password: Type.String({ default: '', description: 'password (never logged)' }),
  ssl: Type.Boolean({ default: false, description: 'connect with TLS' }),
  sslCaFile: Type.String({ default: '', description: 'PEM file of the CA that signed the nodes (TLS)' }),
  replicationStrategy: Type.Union([Type.Literal('SimpleStrategy'), Type.Literal('NetworkTopologyStrategy')], {
    default: 'SimpleStrategy',
    description: 'keyspace replication class used when the migrator creates the keyspace',
  }),
  replicationFactor: Type.Integer({ minimum: 1, maximum: 9, default: 1, description: 'replicas (per data centre with NetworkTopologyStrategy)' }),
})
export type CassandraConnection = Static<typeof CassandraConnection>

export interface CassandraClientOptions {
  /** connect without a keyspace (the migrator creates it first) */
  withoutKeyspace?: boolean
  /**
   * Driver policies and pooling a service needs beyond the defaults (e.g. the processor's fast
   * `policies.reconnection`). Merged over the driver's defaults by the driver itself (policies not
   * given keep theirs), so only supported ClientOptions fields are touched.
   */
  driver?: Pick<cassandra.ClientOptions, 'policies' | 'pooling'>
}

export function createCassandraClient(conn: CassandraConnection, opts: CassandraClientOptions = {}): cassandra.Client {
  const options: cassandra.ClientOptions = {
    contactPoints: [...conn.contactPoints],
    localDataCenter: conn.localDataCenter,
    // Driver defaults bite: prepare=false and LOCAL_ONE (local-stack.md, cassandra-driver section).
    queryOptions: { prepare: true, consistency: cassandra.types.consistencies.localQuorum },
    socketOptions: { connectTimeout: 5_000, readTimeout: 12_000 },
  }
  if (opts.driver?.policies) options.policies = opts.driver.policies
  if (opts.driver?.pooling) options.pooling = opts.driver.pooling
  if (!opts.withoutKeyspace) options.keyspace = conn.keyspace
  if (conn.username) options.credentials = { username: conn.username, password: conn.password }
  if (conn.ssl) options.sslOptions = conn.sslCaFile ? { ca: [readFileSync(conn.sslCaFile, 'utf8')] } : { rejectUnauthorized: true }
  const client = new cassandra.Client(options)
  releaseReplacedHosts(client)
  return client
}

/**
 * cassandra-driver 4.10 (lib/control-connection.js, "NODEJS-632"): when, after an outage, the
 * control connection cannot borrow a connection from any host pool, it re-initialises from the
 * contact points and puts a new Host object in `client.hosts` for the same address without
 * shutting the old one down. The old Host keeps its 2 s health setInterval and its pool keeps
 * reconnecting for ever, and client.shutdown() only reaches hosts still in the map — so a process
 * that lived through a Cassandra outage never exits by itself. The map announces the replaced
 * object as `hostRemove`; shut it down then (Host#shutdown is what client.shutdown() calls on every
 * host; it is missing from the typings). Hosts the driver removes itself are shut down by it.
 */
function releaseReplacedHosts(client: cassandra.Client): void {
  client.on('hostRemove', (h: cassandra.Host) => {
    const current = client.hosts?.get(h.address)
    if (current === undefined || current === h) return
    const old = h as cassandra.Host & { shutdown?: (waitForPending: boolean) => Promise<void> }
    if (typeof old.shutdown === 'function') old.shutdown(false).catch(() => {})
  })
}

/** CQL replication map for CREATE KEYSPACE, from the configured class and factor. */
export function replicationCql(conn: CassandraConnection): string {
  return conn.replicationStrategy === 'SimpleStrategy'
    ? `{'class': 'SimpleStrategy', 'replication_factor': ${conn.replicationFactor}}`
    : `{'class': 'NetworkTopologyStrategy', '${conn.localDataCenter}': ${conn.replicationFactor}}`
}
