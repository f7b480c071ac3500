// The pipeline counter writer must never touch ingest: a gateway whose Cassandra is unreachable
// (a closed port) starts without waiting for it, acknowledges publishes as usual (real Kafka),
// counts the failed flushes in /metrics, and still stops gracefully in bounded time.
import { strict as assert } from 'node:assert'
import { createServer } from 'node:net'
import { after, before, test } from 'node:test'
import { metric, startGatewayProcess } from '../helpers/gateway-process.ts'
import { createTestTopics, deleteTestTopics, kafkaFromEnv } from '../helpers/kafka-fixture.ts'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import type { Stream } from '../../../gateway/sink/telemetry-sink.ts'

const kafka = kafkaFromEnv()
let topics: Record<Stream, string>
before(async () => {
  topics = await createTestTopics(kafka, 1)
})
after(async () => deleteTestTopics(kafka, topics))

/** A port nothing listens on: bind one, close it. */
async function closedPort(): Promise<number> {
  const srv = createServer()
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r))
  const port = (srv.address() as { port: number }).port
  await new Promise((r) => srv.close(r))
  return port
}

test('Cassandra unreachable: start, PUBACKs and shutdown are unaffected; failed flushes are counted', { timeout: 60_000 }, async () => {
  const started = Date.now()
  const gw = await startGatewayProcess([
    '--mqtt-port=0',
    '--auth-allow-anonymous',
    '--auth-credentials-file=/nonexistent/devices.json',
    `--topics-readings=${topics.readings}`,
    `--topics-dlq=${topics.dlq}`,
    `--topics-device-events=${topics.events}`,
    `--cassandra-contact-points=127.0.0.1:${await closedPort()}`,
    '--pipeline-counters',
    '--pipeline-counters-interval-ms=200',
  ])
  try {
    const startMs = Date.now() - started
    const { c, returnCode } = await connectRaw(gw.mqttPort, { clientId: 'cd-1', username: 'cd-1' })
    assert.equal(returnCode, 0)
    for (let i = 1; i <= 5; i++) {
      const t0 = Date.now()
      c.send(publishPacket('devices/cd-1/telemetry', JSON.stringify({ seq: i, temperature: 20 }), 1, i))
      assert.ok(await c.next('puback', 5_000), `PUBACK ${i}`)
      assert.ok(Date.now() - t0 < 2_000, 'no acknowledgement waits on Cassandra')
    }
    c.destroy()
    const end = Date.now() + 15_000
    while ((await metric(gw, 'gateway_pipeline_counter_flush_failures_total')) < 2 && Date.now() < end) await new Promise((r) => setTimeout(r, 200))
    assert.ok((await metric(gw, 'gateway_pipeline_counter_flush_failures_total')) >= 2, 'failed flushes counted (and retried)')
    assert.equal(await metric(gw, 'gateway_readings_accepted_total'), 5)
    const warnings = gw.lines.filter((l) => l.includes('pipeline counters not written'))
    assert.ok(warnings.length >= 1 && warnings.length <= 2, `rate-limited failure log (${warnings.length} lines)`)
    const stopAt = Date.now()
    gw.child.kill('SIGTERM')
    assert.equal(await gw.exited, 0)
    assert.ok(Date.now() - stopAt < 12_000, 'graceful stop bounded despite the last flush failing')
    assert.ok(startMs < 30_000)
  } finally {
    if (gw.child.exitCode === null) gw.child.kill('SIGKILL')
  }
})
