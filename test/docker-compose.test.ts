// docker-compose.yml cannot run here (no Docker engine), so this keeps it in step with the local
// stack: it parses, uses the pinned server versions, the same ports, and provisions the same way.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { parse } from 'yaml'
import { pinnedVersion } from '../local-stack/fetch-jars.ts'

interface Service {
  image?: string
  ports?: string[]
  environment?: Record<string, unknown>
  command?: string[]
  depends_on?: Record<string, { condition: string }>
  healthcheck?: { test: string[] }
}
const root = join(import.meta.dirname, '..')
const compose = parse(readFileSync(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> }
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }
const s = compose.services

test('official images at the versions the local stack pins', () => {
  assert.equal(s.kafka?.image, `apache/kafka:${pinnedVersion('kafka')}`)
  assert.equal(s.cassandra?.image, `cassandra:${pinnedVersion('cassandra')}`)
})

test('the same client ports as the local stack defaults', () => {
  assert.deepEqual(s.kafka?.ports, ['9092:9092'])
  assert.deepEqual(s.cassandra?.ports, ['9042:9042'])
  assert.equal(s.kafka?.environment?.KAFKA_PROCESS_ROLES, 'broker,controller')
})

test('servers have health checks and provisioning waits for both', () => {
  assert.ok(s.kafka?.healthcheck && s.cassandra?.healthcheck)
  assert.equal(s.provision?.depends_on?.kafka?.condition, 'service_healthy')
  assert.equal(s.provision?.depends_on?.cassandra?.condition, 'service_healthy')
  assert.match(s.provision?.command?.join(' ') ?? '', /npm run provision/)
})

test('every project service runs an npm script that exists', () => {
  for (const name of ['gateway', 'processor', 'api']) {
    const cmd = s[name]?.command ?? []
    assert.equal(cmd[0], 'npm', name)
    assert.ok(pkg.scripts[cmd[2] as string], `${name}: npm script ${cmd[2]} missing`)
    assert.equal(s[name]?.environment?.IOT_KAFKA_BROKERS, 'kafka:19092')
  }
})

test('the cluster file: 3 KRaft voters with RF 3 / min ISR 2, 3 Cassandra nodes, services pointed at all', () => {
  const c = parse(readFileSync(join(root, 'docker-compose.cluster.yml'), 'utf8'), { merge: true }) as { services: Record<string, Service> }
  const kafkas = ['kafka-1', 'kafka-2', 'kafka-3'].map((n) => c.services[n])
  const ids = kafkas.map((k) => k?.environment?.KAFKA_NODE_ID)
  assert.deepEqual(ids, [1, 2, 3])
  for (const k of kafkas) {
    assert.equal(k?.image, `apache/kafka:${pinnedVersion('kafka')}`)
    assert.equal(k?.environment?.KAFKA_CONTROLLER_QUORUM_VOTERS, '1@kafka-1:9093,2@kafka-2:9093,3@kafka-3:9093')
    assert.equal(k?.environment?.KAFKA_MIN_INSYNC_REPLICAS, 2)
    assert.equal(k?.environment?.KAFKA_DEFAULT_REPLICATION_FACTOR, 3)
    // Kafka parses the id as a Uuid: 16 bytes, URL-safe base64 without padding.
    assert.equal(Buffer.from(String(k?.environment?.CLUSTER_ID), 'base64url').length, 16)
    assert.match(String(k?.environment?.CLUSTER_ID), /^[A-Za-z0-9_-]{22}$/)
  }
  for (const n of ['cassandra-1', 'cassandra-2', 'cassandra-3']) assert.equal(c.services[n]?.image, `cassandra:${pinnedVersion('cassandra')}`)
  const env = c.services.provision?.environment ?? {}
  assert.equal(String(env.IOT_KAFKA_BROKERS).split(',').length, 3)
  assert.equal(String(env.IOT_CASSANDRA_CONTACT_POINTS).split(',').length, 3)
  assert.equal(env.IOT_TOPICS_MIN_INSYNC_REPLICAS, '2')
  for (const name of ['gateway', 'processor', 'api']) assert.equal(c.services[name]?.environment?.IOT_KAFKA_BROKERS, env.IOT_KAFKA_BROKERS)
})
