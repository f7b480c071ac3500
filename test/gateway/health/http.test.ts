import { strict as assert } from 'node:assert'
import type { AddressInfo } from 'node:net'
import { describe, it } from 'node:test'
import { createGatewayMetrics } from '../../../gateway/health/gateway-metrics.ts'
import { createHealthServer } from '../../../gateway/health/http.ts'
import type { SinkStatus } from '../../../gateway/sink/telemetry-sink.ts'

describe('health HTTP', () => {
  it('serves /health, /ready (503 with reasons when nothing can be made durable) and /metrics', async () => {
    const metrics = createGatewayMetrics()
    let status: SinkStatus = { accepting: true, kafkaReachable: true, spoolBytes: 0, spoolLimitBytes: 0 }
    metrics.rejected.inc({ reason: 'GW_REJECT_SCHEMA' })
    metrics.kafkaAckSeconds.observe(0.004)
    const server = createHealthServer({ registry: metrics.registry, sinkStatus: () => status, serving: () => true })
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
    try {
      assert.equal((await fetch(`${base}/health`)).status, 200)
      assert.equal((await fetch(`${base}/ready`)).status, 200)
      status = { accepting: false, kafkaReachable: false, spoolBytes: 0, spoolLimitBytes: 0 }
      const r = await fetch(`${base}/ready`)
      assert.equal(r.status, 503)
      assert.deepEqual(((await r.json()) as { reasons: string[] }).reasons, ['Kafka unreachable and no spool configured'])
      const text = await (await fetch(`${base}/metrics`)).text()
      assert.match(text, /^# TYPE gateway_messages_rejected_total counter$/m)
      assert.match(text, /^gateway_messages_rejected_total\{reason="GW_REJECT_SCHEMA"\} 1$/m)
      assert.match(text, /^gateway_kafka_ack_seconds_bucket\{le="0.005"\} 1$/m)
      assert.equal((await fetch(`${base}/nope`)).status, 404)
    } finally {
      await new Promise((r) => server.close(r))
    }
  })
})
