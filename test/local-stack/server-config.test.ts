import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cassandraYaml } from '../../local-stack/cassandra-server.ts'
import { kafkaClusterId, kafkaProperties } from '../../local-stack/kafka-server.ts'

test('a Kafka cluster id is 22 URL-safe base64 characters not starting with "-"', () => {
  for (let i = 0; i < 500; i++) {
    const id = kafkaClusterId()
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/)
  }
})

test('Kafka properties: one combined KRaft node, clients only on the PLAINTEXT listener', () => {
  const props = Object.fromEntries(
    kafkaProperties('/data/k', 19092, 19093)
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(/=(.*)/s).slice(0, 2) as [string, string]),
  )
  assert.equal(props['process.roles'], 'broker,controller')
  assert.equal(props['controller.quorum.voters'], '1@127.0.0.1:19093')
  assert.equal(props['advertised.listeners'], 'PLAINTEXT://127.0.0.1:19092')
  assert.equal(props['log.dirs'], '/data/k')
  assert.equal(props['offsets.topic.replication.factor'], '1')
  assert.equal(props['auto.create.topics.enable'], 'false')
})

test('cassandra.yaml carries the configured ports and explicit directories', () => {
  const yaml = cassandraYaml('/data/c', 19042, 17000)
  assert.match(yaml, /^native_transport_port: 19042$/m)
  assert.match(yaml, /^storage_port: 17000$/m)
  assert.match(yaml, /seeds: "127\.0\.0\.1:17000"/)
  for (const d of ['data', 'commitlog', 'saved_caches', 'hints', 'cdc_raw']) assert.ok(yaml.includes(`/data/c/${d}`), d)
})

test('cassandra.yaml flushes memtables at 0.6 of the pool, not the 0.33 default that flushed readings_raw small', () => {
  const yaml = cassandraYaml('/data/c', 19042, 17000)
  assert.match(yaml, /^memtable_cleanup_threshold: 0\.6$/m)
  assert.equal(yaml.match(/^memtable_cleanup_threshold:/gm)?.length, 1)
})
