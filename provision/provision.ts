// Topics and schema for a Kafka + Cassandra pair: used by `npm run provision`, the demo and tests.
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { Kafka } from 'kafkajs'
import { createCassandraClient } from '../config/cassandra-connection.ts'
import { kafkaClientConfig } from '../config/kafka-connection.ts'
import type { ProvisionConfig } from './config.ts'
import { migrate, type MigrateResult } from './cql-migrate.ts'
import { createTopics } from './kafka-topics.ts'

export const cqlDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'cql')

export async function provisionTopics(cfg: Pick<ProvisionConfig, 'kafka' | 'topics'>): Promise<string[]> {
  const admin = new Kafka(kafkaClientConfig(cfg.kafka, 'provision')).admin()
  await admin.connect()
  try {
    return await createTopics(admin, cfg.topics)
  } finally {
    await admin.disconnect()
  }
}

export async function provisionSchema(cfg: Pick<ProvisionConfig, 'cassandra'>, dir = cqlDir): Promise<MigrateResult> {
  const client = createCassandraClient(cfg.cassandra, { withoutKeyspace: true })
  try {
    return await migrate(client, cfg.cassandra, dir)
  } finally {
    await client.shutdown()
  }
}
