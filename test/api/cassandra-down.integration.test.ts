// Cassandra down (issue 6 §4, delivery-and-security.md B.8 #37): on a private Cassandra we may
// stop, the API answers 503 API_ERR_STORE_UNAVAILABLE with the reason, /ready says why, /health
// stays 200 — and after Cassandra returns the same process answers again without a restart.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import cassandra from 'cassandra-driver'
import { build } from '../../api/app.ts'
import { ApiConfig } from '../../api/config.ts'
import { createCassandraClient } from '../../config/cassandra-connection.ts'
import { loadConfig } from '../../config/load-config.ts'
import { provisionSchema } from '../../provision/provision.ts'
import { privateStack, type PrivateStack } from '../helpers/private-stack.ts'
import { stackEnv, uniqueName } from '../helpers/stack-env.ts'
import { insertDevice } from './helpers/api-fixture.ts'
import type { FastifyInstance } from 'fastify'

let stack: PrivateStack
let app: FastifyInstance
let apiClient: cassandra.Client
const hostsSeen = new Set<unknown>()
const noteHosts = (): void => apiClient.hosts.forEach((h) => hostsSeen.add(h))

before(async () => {
  const env = stackEnv()
  stack = await privateStack(['cassandra'])
  const keyspace = uniqueName('api_down')
  const config = loadConfig(ApiConfig, {
    argv: [`--cassandra-contact-points=${stack.endpoints.cassandraContactPoint}`, `--cassandra-keyspace=${keyspace}`, '--limits-query-timeout-ms=3000'],
    env: { IOT_KAFKA_BROKERS: env.kafka.brokers.join(',') },
  })
  await provisionSchema({ cassandra: config.cassandra })
  const client = createCassandraClient(config.cassandra)
  await insertDevice(client, 'dev-d', Date.now())
  await client.shutdown()
  // The driver's default reconnection backs off up to 10 min, and a pending reconnection timer
  // outlives shutdown() and keeps the test process alive: this client retries every 500 ms.
  apiClient = new cassandra.Client({
    contactPoints: [...config.cassandra.contactPoints],
    localDataCenter: config.cassandra.localDataCenter,
    keyspace,
    queryOptions: { prepare: true, consistency: cassandra.types.consistencies.localQuorum },
    policies: { reconnection: new cassandra.policies.reconnection.ConstantReconnectionPolicy(500) },
  })
  app = await build({ config, logger: false, cassandra: apiClient })
})

after(async () => {
  await app?.close()
  await apiClient?.shutdown()
  // When the restarted node is rediscovered the driver swaps its Host object and the old one's
  // health interval and pool timer survive shutdown() (cassandra-driver 4.10), keeping this test
  // process alive; shut every Host the client ever had.
  for (const h of hostsSeen) await (h as unknown as { shutdown(wait: boolean): Promise<void> }).shutdown(false).catch(() => {})
  await stack?.destroy()
})

test('503 with the reason while Cassandra is down; /health live; recovers when it returns', async () => {
  assert.equal((await app.inject('/api/devices/dev-d')).statusCode, 200)
  noteHosts()
  await stack.stop('cassandra')

  for (const url of ['/api/devices', '/api/devices/dev-d', '/api/devices/dev-d/readings', '/api/devices/dev-d/windows', '/api/anomalies', '/api/pipeline']) {
    const r = await app.inject(url)
    assert.equal(r.statusCode, 503, `${url}: ${r.body}`)
    const body = r.json()
    assert.deepEqual(Object.keys(body).sort(), ['error', 'message'])
    assert.equal(body.error, 'API_ERR_STORE_UNAVAILABLE')
    assert.match(body.message, /^Cassandra unavailable: \w+Error: /)
    assert.doesNotMatch(r.body, /\s+at\s+\S+\s+\(/)
    assert.equal(r.headers['retry-after'], '5')
  }
  const ready = await app.inject('/ready')
  assert.equal(ready.statusCode, 503)
  assert.equal(ready.json().checks.cassandra.ok, false)
  assert.equal(typeof ready.json().checks.cassandra.reason, 'string')
  assert.equal(ready.json().checks.kafka.ok, true)
  assert.equal((await app.inject('/health')).statusCode, 200)
  assert.match((await app.inject('/metrics')).body, /api_store_unavailable_total [6-9]/)

  await stack.start('cassandra')
  const deadline = Date.now() + 60_000
  let status = 0
  while (Date.now() < deadline) {
    status = (await app.inject('/api/devices/dev-d')).statusCode
    if (status === 200) break
    await new Promise((r) => setTimeout(r, 1000))
  }
  noteHosts()
  assert.equal(status, 200, 'the API recovers without a restart')
  assert.equal((await app.inject('/ready')).statusCode, 200)
})
