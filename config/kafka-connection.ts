// How every service reaches Kafka: the local stack by default, external clusters (TLS, SASL) by
// configuration. The schema is shared so gateway, processor and API take identical flags.
import { readFileSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { logLevel, type KafkaConfig } from 'kafkajs'

export const KafkaConnection = Type.Object({
  brokers: Type.Array(Type.String({ pattern: '^[^\\s:,]+:\\d{1,5}$' }), {
    minItems: 1,
    default: ['127.0.0.1:9092'],
    description: 'bootstrap brokers, host:port, comma-separated',
  }),
  clientId: Type.String({ minLength: 1, default: 'iot-edge', description: 'Kafka client id prefix' }),
  ssl: Type.Boolean({ default: false, description: 'connect with TLS' }),
  sslCaFile: Type.String({ default: '', description: 'PEM file of the CA that signed the brokers (TLS)' }),
  saslMechanism: Type.Union([Type.Literal('none'), Type.Literal('plain'), Type.Literal('scram-sha-256'), Type.Literal('scram-sha-512')], {
    default: 'none',
    description: 'SASL mechanism',
  }),
  saslUsername: Type.String({ default: '', description: 'SASL username' }),
  saslPassword: Type.String({ default: '', description: 'SASL password (never logged)' }),
  connectionTimeoutMs: Type.Integer({ minimum: 100, default: 3_000, description: 'TCP connect timeout, ms' }),
})
export type KafkaConnection = Static<typeof KafkaConnection>

/** kafkajs options for a connection; kafkajs' own logger is silenced (services log through pino). */
export function kafkaClientConfig(conn: KafkaConnection, clientSuffix = ''): KafkaConfig {
  const config: KafkaConfig = {
    clientId: clientSuffix ? `${conn.clientId}-${clientSuffix}` : conn.clientId,
    brokers: [...conn.brokers],
    connectionTimeout: conn.connectionTimeoutMs,
    logLevel: logLevel.NOTHING,
  }
  if (conn.ssl) config.ssl = conn.sslCaFile ? { ca: [readFileSync(conn.sslCaFile, 'utf8')] } : true
  if (conn.saslMechanism !== 'none') {
    config.sasl = { mechanism: conn.saslMechanism, username: conn.saslUsername, password: conn.saslPassword } as KafkaConfig['sasl']
  }
  return config
}
