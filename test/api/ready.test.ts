// /health and /ready with faked dependency states (delivery-and-security.md B.8 #37): no stack
// needed, the probes are injected; build() creates its Cassandra client lazily and never connects.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { build } from '../../api/app.ts'
import { ApiConfig } from '../../api/config.ts'
import { loadConfig } from '../../config/load-config.ts'

const config = loadConfig(ApiConfig, { argv: [], env: {} })
const ok = async (): Promise<void> => {}
const hang = (): Promise<void> => new Promise(() => {})

test('ready when both answer, 503 with reasons when one fails or hangs; /health stays 200', async () => {
  const cases = [
    { probes: { cassandra: ok, kafka: ok }, status: 200, c: true, k: true },
    { probes: { cassandra: async () => Promise.reject(new Error('All host(s) tried for query failed')), kafka: ok }, status: 503, c: false, k: true },
    { probes: { cassandra: ok, kafka: hang }, status: 503, c: true, k: false },
  ]
  for (const cs of cases) {
    const app = await build({ config, logger: false, probes: cs.probes })
    try {
      const r = await app.inject('/ready')
      assert.equal(r.statusCode, cs.status)
      const body = r.json()
      assert.equal(body.ready, cs.status === 200)
      assert.equal(body.checks.cassandra.ok, cs.c)
      assert.equal(body.checks.kafka.ok, cs.k)
      if (!cs.c) assert.match(body.checks.cassandra.reason, /All host/)
      if (!cs.k) assert.match(body.checks.kafka.reason, /no answer within 2000 ms/)
      assert.equal((await app.inject('/health/ready')).statusCode, cs.status)
      const live = await app.inject('/health')
      assert.equal(live.statusCode, 200)
      assert.equal(live.json().status, 'ok')
      assert.equal((await app.inject('/health/live')).statusCode, 200)
    } finally {
      await app.close()
    }
  }
})
