// config/REFERENCE.md is what the schemas say: a setting added, renamed or given a new default
// without regenerating the reference fails here.
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { configReference } from '../../config/reference.ts'

const committed = readFileSync(join(import.meta.dirname, '..', '..', 'config', 'REFERENCE.md'), 'utf8')

test('config/REFERENCE.md equals the reference generated from the schemas (npm run config:reference)', () => {
  assert.equal(committed, configReference())
})

test('the reference names every setting of the gateway once, with its variable', () => {
  const text = configReference()
  for (const v of ['IOT_KAFKA_BROKERS', 'IOT_CASSANDRA_CONTACT_POINTS', 'IOT_MQTT_PORT', 'IOT_SIM_SEED', 'IOT_STACK_KAFKA_PORT']) {
    assert.match(text, new RegExp(`\`${v}\``), v)
  }
})
