// Any payload on any route (fast-check, fixed seed): ingest never throws, and every record it
// produces passes the compiled contract schema of its stream — readings, dead letters, events.
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import fc from 'fast-check'
import { DeadLetter } from '../../../contracts/dead-letter.ts'
import { DeviceEvent } from '../../../contracts/device-event.ts'
import { ReadingCheck } from '../../../contracts/reading.ts'
import { classifyTopic, type Route } from '../../../gateway/acl/topic-routes.ts'
import { GatewaySeq } from '../../../gateway/ingest/gateway-seq.ts'
import { ingestMessage, type IngestContext } from '../../../gateway/ingest/ingest-message.ts'

const DeadLetterCheck = TypeCompiler.Compile(DeadLetter)
const DeviceEventCheck = TypeCompiler.Compile(DeviceEvent)
const now = Date.parse('2026-11-22T04:00:00Z')
const ctx: IngestContext = {
  now: () => now,
  minPlausibleMs: Date.parse('2020-01-01T00:00:00Z'),
  maxFutureSkewMs: 300_000,
  tasmotaUtcOffsetMin: 0,
  gatewaySeq: new GatewaySeq(now),
  sensorFor: () => undefined,
}
const topics = ['devices/d1/telemetry', 'devices/d1/status', 'tele/d1/SENSOR', 'tele/d1/LWT', 'd1/sensor/temp_c/state', 'd1/status', 'd1/other']
const route = (t: string): Route => classifyTopic(t, 'd1') as Route

const jsonish = fc.oneof(
  fc.json(),
  fc.record({ seq: fc.oneof(fc.nat(), fc.double(), fc.string()), ts: fc.oneof(fc.double(), fc.string(), fc.constant('2026-11-22T03:00:00Z')), temperature: fc.oneof(fc.double(), fc.constant(null), fc.constant('nan')), battery: fc.double() }).map((o) => JSON.stringify(o)),
  fc.record({ Time: fc.string(), BME280: fc.dictionary(fc.string({ maxLength: 12 }), fc.oneof(fc.double(), fc.constant(null), fc.string())) }).map((o) => JSON.stringify(o)),
  fc.constantFrom('online', 'Offline', 'nan', '21.5', '-127', 'NaN', '{"t":NaN}', ''),
)
const payload = fc.oneof(jsonish.map((s) => Buffer.from(s)), fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b)))

describe('ingestMessage', () => {
  it('property: never throws; every record fits its stream contract (fixed seed)', () => {
    fc.assert(
      fc.property(fc.constantFrom(...topics), payload, fc.boolean(), (topic, bytes, isWill) => {
        const out = ingestMessage({ route: route(topic), topic, payload: bytes, clientId: 'd1', isWill }, ctx)
        for (const r of out.records) {
          const v = JSON.parse(r.value) as unknown
          assert.equal(r.key, 'd1')
          const ok = r.stream === 'readings' ? ReadingCheck.Check(v) : r.stream === 'dlq' ? DeadLetterCheck.Check(v) : DeviceEventCheck.Check(v)
          assert.ok(ok, `${r.stream}: ${r.value}`)
        }
        assert.ok(out.records.length > 0 || out.sensorFailures > 0, 'every message is stored, dead-lettered or counted as a read failure')
      }),
      { seed: 7, numRuns: 2_000 },
    )
  })

  it('an unexpected failure is dead-lettered as GW_REJECT_INTERNAL, not thrown', () => {
    const broken: IngestContext = { ...ctx, sensorFor: () => { throw new Error('boom') } }
    const out = ingestMessage({ route: route('devices/d1/telemetry'), topic: 'devices/d1/telemetry', payload: Buffer.from('{"t":1}'), clientId: 'd1', isWill: false }, broken)
    assert.equal(out.rejected, 'GW_REJECT_INTERNAL')
    assert.ok(DeadLetterCheck.Check(JSON.parse(out.records[0]?.value ?? '')))
  })
})
