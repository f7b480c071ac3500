// Settings of `npm run topics:create` / `cql:migrate` / `provision`.
import { Type, type Static } from '@sinclair/typebox'
import { CassandraConnection } from '../config/cassandra-connection.ts'
import { KafkaConnection } from '../config/kafka-connection.ts'

export const TopicSettings = Type.Object({
  readingsPartitions: Type.Integer({ minimum: 1, maximum: 1024, default: 6, description: 'partitions of iot.readings (processor instances share them)' }),
  replicationFactor: Type.Integer({ minimum: 1, maximum: 9, default: 1, description: 'replicas per topic partition (3 on a real cluster)' }),
  minInsyncReplicas: Type.Integer({ minimum: 1, maximum: 9, default: 1, description: 'min.insync.replicas per topic (2 with 3 replicas)' }),
})
export type TopicSettings = Static<typeof TopicSettings>

export const ProvisionConfig = Type.Object({
  kafka: KafkaConnection,
  cassandra: CassandraConnection,
  topics: TopicSettings,
})
export type ProvisionConfig = Static<typeof ProvisionConfig>
