// Whether rows of different partitions may share one batch (write-batches.ts). A multi-partition
// batch is harmful when its coordinator must forward parts of it to other replicas — extra hops
// and a coordinator holding the whole batch (the "batches are not a performance tool" advice).
// When every node of each data centre holds a full copy of the keyspace (one node; or 3 nodes at
// replication factor 3, the usual small cluster), the coordinator is a replica of every row and
// nothing is forwarded beyond what a single-row write does. Read from the driver's schema and
// host metadata; anything unknown answers false (the safe side).
import type cassandra from 'cassandra-driver'

interface KeyspaceMeta {
  strategy?: string
  strategyOptions?: Record<string, string>
}

export function everyNodeHoldsEveryPartition(client: cassandra.Client, keyspace: string | undefined): boolean {
  if (!keyspace) return false
  const ks = (client.metadata as unknown as { keyspaces?: Record<string, KeyspaceMeta> }).keyspaces?.[keyspace]
  const hosts = client.hosts?.values() ?? []
  if (!ks?.strategy || !ks.strategyOptions || hosts.length === 0) return false
  return fullReplication(ks.strategy, ks.strategyOptions, hosts.map((h) => h.datacenter))
}

/** Pure rule, tested on its own: RF ≥ nodes (SimpleStrategy), or per data centre (NetworkTopologyStrategy). */
export function fullReplication(strategy: string, options: Record<string, string>, hostDcs: readonly string[]): boolean {
  // Full replicas: "3/1" (transient replication) is 3 replicas of which 1 transient = 2 full.
  const rf = (x: string | undefined): number => {
    const [all, transient] = String(x ?? '').split('/').map((n) => Number.parseInt(n, 10))
    const full = (all ?? NaN) - (transient ?? 0)
    return Number.isFinite(full) ? full : 0
  }
  if (strategy.endsWith('SimpleStrategy')) return rf(options.replication_factor) >= hostDcs.length
  if (strategy.endsWith('NetworkTopologyStrategy')) {
    const perDc = new Map<string, number>()
    for (const dc of hostDcs) perDc.set(dc, (perDc.get(dc) ?? 0) + 1)
    return [...perDc].every(([dc, n]) => rf(options[dc]) >= n)
  }
  return false
}
