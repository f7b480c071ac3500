// Where integration tests find the real servers: test/run.ts exports the endpoints of the stack it
// reused or started. Missing endpoints are a failure, never a skip.
import { loadConfig } from '../../config/load-config.ts'
import { CassandraConnection } from '../../config/cassandra-connection.ts'
import { KafkaConnection } from '../../config/kafka-connection.ts'
import { Type } from '@sinclair/typebox'

const Endpoints = Type.Object({ kafka: KafkaConnection, cassandra: CassandraConnection })

export function stackEnv(): { kafka: KafkaConnection; cassandra: CassandraConnection } {
  for (const name of ['IOT_KAFKA_BROKERS', 'IOT_CASSANDRA_CONTACT_POINTS']) {
    if (!process.env[name]) throw new Error(`${name} is not set: run integration tests through npm test, which starts the real stack`)
  }
  return loadConfig(Endpoints)
}

/** A name no other run uses, for topics, keyspaces and consumer groups. */
export const uniqueName = (prefix: string): string => `${prefix}_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`
