// Creates the product's topics when missing; an existing topic is left alone (idempotent).
import type { Admin, ITopicConfig } from 'kafkajs'
import { defaultPartitions, Topics, type TopicName } from '../contracts/topics.ts'
import type { TopicSettings } from './config.ts'
import { createTopicsReady } from './topic-leaders.ts'

export interface TopicPlan {
  topic: TopicName
  partitions: number
}

export function topicPlan(settings: TopicSettings): TopicPlan[] {
  return Object.values(Topics).map((topic) => ({
    topic,
    partitions: topic === Topics.readings ? settings.readingsPartitions : defaultPartitions[topic],
  }))
}

/** Returns the topics it created; topics that already exist are not changed. */
export async function createTopics(admin: Admin, settings: TopicSettings, plan = topicPlan(settings)): Promise<string[]> {
  const existing = new Set(await admin.listTopics())
  const missing: ITopicConfig[] = plan
    .filter((p) => !existing.has(p.topic))
    .map((p) => ({
      topic: p.topic,
      numPartitions: p.partitions,
      replicationFactor: settings.replicationFactor,
      configEntries: [{ name: 'min.insync.replicas', value: String(Math.min(settings.minInsyncReplicas, settings.replicationFactor)) }],
    }))
  if (missing.length === 0) return []
  await createTopicsReady(admin, missing)
  return missing.map((t) => t.topic)
}
