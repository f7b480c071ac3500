// The gateway's per-device pipeline counts (GatewayMetrics.pipeline → GET /api/pipeline) at the
// packet level: counted once durable, so received = accepted + Σ rejected:<REASON> + spooled holds
// per device, a publish left unacknowledged is not counted until its resend is durable, spooled
// readings count as spooled (not accepted) and as replayed once in Kafka.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { systemClock } from '../../../gateway/clock.ts'
import { loadGatewayConfig } from '../../../gateway/config.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { ProcessorConfig } from '../../../processor/config.ts'
import { AppError } from '../../../gateway/errors.ts'
import { createGatewayMetrics } from '../../../gateway/health/gateway-metrics.ts'
import { Spool } from '../../../gateway/sink/spool.ts'
import { SpoolingSink } from '../../../gateway/sink/spooling-sink.ts'
import type { SinkRecord, SinkStatus, TelemetrySink } from '../../../gateway/sink/telemetry-sink.ts'
import type { PipelineTally } from '../../../contracts/pipeline-counters.ts'
import { connectRaw, publishPacket } from '../helpers/raw-client.ts'
import { loginOf, startTestGateway } from '../helpers/test-gateway.ts'

const COUNTERS = ['received', 'accepted', 'spooled', 'replayed', 'rejected:GW_REJECT_UNPARSEABLE', 'rejected:GW_REJECT_IMPOSSIBLE_VALUE', 'rejected:GW_REJECT_SCHEMA']
const row = (t: PipelineTally, d: string): Record<string, number> => Object.fromEntries(COUNTERS.map((c) => [c, t.get(d, c)]).filter(([, v]) => v !== 0))

describe('gateway pipeline counts', () => {
  it('the counter writer is on by default; --no-pipeline-counters (processor: --no-processor-pipeline-counters) switches it off', () => {
    assert.equal(loadGatewayConfig({ argv: [], env: {} }).pipelineCounters, true)
    assert.equal(loadGatewayConfig({ argv: ['--no-pipeline-counters'], env: {} }).pipelineCounters, false)
    assert.equal(loadGatewayConfig({ argv: [], env: { IOT_PIPELINE_COUNTERS: 'false' } }).pipelineCounters, false)
    assert.equal(loadConfig(ProcessorConfig, { argv: [], env: {} }).processor.pipelineCounters, true)
    assert.equal(loadConfig(ProcessorConfig, { argv: ['--no-processor-pipeline-counters'], env: {} }).processor.pipelineCounters, false)
  })

  it('good, rejected, resent and sensor-failure publishes per device; nothing counted before durable', async () => {
    const gw = await startTestGateway()
    try {
      const { c } = await connectRaw(gw.port, loginOf('dev-1'))
      let id = 1
      const pub = async (topic: string, payload: string): Promise<void> => {
        c.send(publishPacket(topic, payload, 1, id++))
        assert.ok(await c.next('puback'), `PUBACK for ${payload}`)
      }
      await pub('devices/dev-1/telemetry', '{"seq":1,"sensor":"bme280","temperature":21.5}')
      await pub('devices/dev-1/telemetry', '{"seq":2,"sensor":"bme280","temperature":21.6,"humidity":40}')
      await pub('devices/dev-1/telemetry', '{"seq":1,"sensor":"bme280","temperature":21.5}') // a resend: the processor dedups it
      await pub('devices/dev-1/telemetry', '{"seq":3,"sensor":"bme280",') // malformed JSON
      await pub('devices/dev-1/telemetry', '{"seq":4,"sensor":"bme280","temperature":500}') // impossible
      await pub('devices/dev-1/status', 'online') // a device event, not a reading
      assert.deepEqual(row(gw.metrics.pipeline, 'dev-1'), { received: 5, accepted: 3, 'rejected:GW_REJECT_UNPARSEABLE': 1, 'rejected:GW_REJECT_IMPOSSIBLE_VALUE': 1 })

      // Not durable → no PUBACK, not counted; the device's resend is counted once it is durable.
      gw.sink.failWith = new AppError('GW_ERR_KAFKA_TIMEOUT', 'down', { retriable: true })
      c.send(publishPacket('devices/dev-1/telemetry', '{"seq":5,"sensor":"bme280","temperature":22}', 1, id++))
      assert.equal(await c.next('puback', 500), null)
      assert.equal(gw.metrics.pipeline.get('dev-1', 'received'), 5)
      gw.sink.failWith = null
      c.destroy()
      const again = await connectRaw(gw.port, loginOf('dev-1'))
      again.c.send(publishPacket('devices/dev-1/telemetry', '{"seq":5,"sensor":"bme280","temperature":22}', 1, 1))
      assert.ok(await again.c.next('puback'))
      again.c.destroy()
      assert.deepEqual(row(gw.metrics.pipeline, 'dev-1'), { received: 6, accepted: 4, 'rejected:GW_REJECT_UNPARSEABLE': 1, 'rejected:GW_REJECT_IMPOSSIBLE_VALUE': 1 })

      // ESPHome: "nan" is a read failure (counted in /metrics, nothing to store), a number a reading.
      const esp = await connectRaw(gw.port, loginOf('esp-1'))
      esp.c.send(publishPacket('esp-1/sensor/temperature/state', 'nan', 1, 1))
      assert.ok(await esp.c.next('puback'))
      esp.c.send(publishPacket('esp-1/sensor/temperature/state', '21.25', 1, 2))
      assert.ok(await esp.c.next('puback'))
      esp.c.destroy()
      assert.deepEqual(row(gw.metrics.pipeline, 'esp-1'), { received: 1, accepted: 1 })
      assert.equal(gw.metrics.sensorReadFailures.get(), 1)
      // the Prometheus counters and the per-device account agree
      assert.equal(gw.metrics.accepted.get(), 5)
    } finally {
      await gw.close()
    }
  })

  it('spooled while Kafka is down (not accepted), replayed per device once it is back', async () => {
    class Switchable implements TelemetrySink {
      down = true
      readonly got: SinkRecord[] = []
      async write(records: readonly SinkRecord[]): Promise<void> {
        if (this.down) throw new AppError('GW_ERR_KAFKA_TIMEOUT', 'down', { retriable: true })
        this.got.push(...records)
      }
      status(): SinkStatus {
        return { accepting: !this.down, kafkaReachable: !this.down, spoolBytes: 0, spoolLimitBytes: 0 }
      }
      async close(): Promise<void> {}
    }
    const dir = mkdtempSync(join(tmpdir(), 'gw-counts-'))
    const primary = new Switchable()
    const metrics = createGatewayMetrics()
    const sink = new SpoolingSink({ primary, spool: Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 16 }), clock: systemClock, replayRetryMs: 20, metrics })
    const gw = await startTestGateway({ sink })
    // the broker counts into its own metrics; the sink's replay into `metrics`: share the tally
    ;(gw.metrics as { pipeline: PipelineTally }).pipeline = metrics.pipeline
    try {
      const { c } = await connectRaw(gw.port, loginOf('dev-2'))
      c.send(publishPacket('devices/dev-2/telemetry', '{"seq":1,"temperature":20}', 1, 1))
      assert.ok(await c.next('puback'), 'acknowledged from the spool')
      c.send(publishPacket('devices/dev-2/telemetry', '{"seq":2,"temperature":"warm"}', 1, 2))
      assert.ok(await c.next('puback'))
      c.destroy()
      assert.deepEqual(row(metrics.pipeline, 'dev-2'), { received: 2, spooled: 1, 'rejected:GW_REJECT_SCHEMA': 1 })
      primary.down = false
      const end = Date.now() + 5_000
      while (metrics.pipeline.get('dev-2', 'replayed') < 1 && Date.now() < end) await new Promise((r) => setTimeout(r, 20))
      // the dead letter was replayed too, but only readings count as replayed (spooled = replayed + in spool)
      assert.deepEqual(row(metrics.pipeline, 'dev-2'), { received: 2, spooled: 1, replayed: 1, 'rejected:GW_REJECT_SCHEMA': 1 })
      assert.equal(primary.got.filter((r) => r.stream !== 'events').length, 2)
    } finally {
      await gw.close()
      await sink.close()
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
