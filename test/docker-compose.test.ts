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
