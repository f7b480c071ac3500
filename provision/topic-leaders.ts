// Waits until every partition of new topics has a leader (and, when asked, enough in-sync
// replicas) before anything produces to them.
//
// Why not KafkaJS's createTopics({ waitForLeaders: true }): it polls one broker's metadata and
// gives up on any error but LEADER_NOT_AVAILABLE. On a fresh KRaft cluster a broker can answer
// UNKNOWN_TOPIC_OR_PARTITION for a topic the controller has just created — its metadata image has
// not caught up yet — so provisioning a 3-broker cluster failed now and then although the topics
// were there a moment later. Here every error counts as "not yet", bounded by a deadline.
import type { Admin, ITopicConfig, PartitionMetadata } from 'kafkajs'

export class TopicLeadersError extends Error {
  readonly code = 'PROVISION_ERR_NO_LEADERS'
  /** the cluster may elect leaders later; running provisioning again is safe (idempotent) */
  readonly retriable = true
  constructor(topics: readonly string[], waitedMs: number, last: string) {
    super(`topics ${topics.join(', ')} have no leader for every partition after ${waitedMs} ms (${last})`)
    this.name = 'TopicLeadersError'
  }
}

export interface LeaderWaitOptions {
  /** give up after this long, ms */
  timeoutMs?: number
  intervalMs?: number
  /** each partition also needs this many in-sync replicas (e.g. the replication factor) */
  minIsr?: number
  now?: () => number
  sleep?: (ms: number) => Promise<void>
}

/** Resolves with each topic's partitions once all have a leader; throws TopicLeadersError at the deadline. */
export async function waitForTopicLeaders(admin: Pick<Admin, 'fetchTopicMetadata'>, topics: readonly string[], opts: LeaderWaitOptions = {}): Promise<Map<string, PartitionMetadata[]>> {
  const timeoutMs = opts.timeoutMs ?? 60_000
  const intervalMs = opts.intervalMs ?? 200
  const minIsr = opts.minIsr ?? 1
  const now = opts.now ?? Date.now
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)))
  const start = now()
  let last = 'no answer yet'
  for (;;) {
    try {
      const meta = await admin.fetchTopicMetadata({ topics: [...topics] })
      const byTopic = new Map(meta.topics.map((t) => [t.name, t.partitions]))
      const waiting = topics.filter((t) => {
        const parts = byTopic.get(t) ?? []
        return parts.length === 0 || parts.some((p) => p.leader < 0 || p.isr.length < minIsr)
      })
      if (waiting.length === 0) return byTopic
      last = `waiting for ${waiting.join(', ')}`
    } catch (err) {
      last = (err as Error).message
    }
    const waited = now() - start
    if (waited >= timeoutMs) throw new TopicLeadersError(topics, waited, last)
    await sleep(intervalMs)
  }
}

/**
 * createTopics, then waitForTopicLeaders: what KafkaJS's `waitForLeaders: true` promises, without
 * its give-up on UNKNOWN_TOPIC_OR_PARTITION. Resolves false when every topic already existed.
 */
export async function createTopicsReady(admin: Pick<Admin, 'createTopics' | 'fetchTopicMetadata'>, topics: ITopicConfig[], opts: LeaderWaitOptions = {}): Promise<boolean> {
  const created = await admin.createTopics({ topics, waitForLeaders: false })
  await waitForTopicLeaders(admin, topics.map((t) => t.topic), opts)
  return created
}
