import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import fc from 'fast-check'
import { ReadingCheck } from '../../../contracts/reading.ts'
import { GatewaySeq } from '../../../gateway/ingest/gateway-seq.ts'
import { isReadFailure, normalize, timeSourceFor, type NormalizeContext, type RawReading } from '../../../gateway/ingest/normalize.ts'
import { Rejection } from '../../../gateway/ingest/reject-reasons.ts'

const now = Date.parse('2026-11-22T04:00:00Z')
const ctx: NormalizeContext = { now, minPlausibleMs: Date.parse('2020-01-01T00:00:00Z'), maxFutureSkewMs: 300_000, gatewaySeq: new GatewaySeq(now) }
const raw = (over: Partial<RawReading> = {}): RawReading => ({ deviceId: 'd1', dialect: 'native', sensor: 'bme280', values: { temperature: 21.5 }, ...over })

describe('time plausibility → timeSource', () => {
  it('device time when plausible, else gateway time flagged with why', () => {
    assert.deepEqual(timeSourceFor(now - 60_000, ctx), { eventTime: now - 60_000, timeSource: 'device' })
    assert.deepEqual(timeSourceFor(undefined, ctx), { eventTime: now, timeSource: 'gateway' })
    assert.deepEqual(timeSourceFor(12_345, ctx), { eventTime: now, timeSource: 'gateway-unsynced' }, '1970: clock before its first NTP sync')
    assert.deepEqual(timeSourceFor(now + 3_600_000, ctx), { eventTime: now, timeSource: 'gateway-future' })
    assert.deepEqual(timeSourceFor(now + 300_000, ctx).timeSource, 'device', 'the skew bound itself is accepted')
  })
})

describe('normalize', () => {
  it('reads only the values object’s own properties as metrics, as Object.entries did', () => {
    // normalize walks values with for…in (no array per reading); an inherited key is not a metric
    const values = Object.assign(Object.create({ pressure: 5 }) as Record<string, unknown>, { temperature: 21.5 })
    const r = normalize(raw({ values }), ctx)
    assert.ok(!(r instanceof Rejection) && r.kind === 'reading')
    assert.deepEqual(r.reading.metrics, { temperature: 21.5 }, 'the inherited pressure 5 hPa, impossible for a BME280, is neither stored nor rejected')
  })
  it('drops NaN metrics and counts them; all-NaN is a sensor failure, not data', () => {
    const r = normalize(raw({ values: { temperature: 'nan', humidity: 40, pressure: null } }), ctx)
    assert.ok(!(r instanceof Rejection) && r.kind === 'reading')
    assert.deepEqual(r.reading.metrics, { humidity: 40 })
    assert.equal(r.nanDropped, 2)
    assert.deepEqual(normalize(raw({ values: { temperature: Number.NaN } }), ctx), { kind: 'sensor_failure', nanDropped: 1 })
  })

  it('assigns gateway seq (and the gateway boot) when the dialect has none', () => {
    const a = normalize(raw({ dialect: 'esphome' }), ctx)
    const b = normalize(raw({ dialect: 'esphome' }), ctx)
    assert.ok(!(a instanceof Rejection) && a.kind === 'reading' && !(b instanceof Rejection) && b.kind === 'reading')
    assert.equal(a.reading.seqSource, 'gateway')
    assert.equal(b.reading.seq, a.reading.seq + 1)
    assert.equal(a.reading.boot, Math.floor(now / 1000))
  })

  const rejects: Array<[string, Partial<RawReading>, string]> = [
    ['DS18B20 disconnected (−127 °C)', { sensor: 'ds18b20', values: { temperature: -127 } }, 'GW_REJECT_IMPOSSIBLE_VALUE'],
    ['humidity 260 %', { sensor: 'dht22', values: { humidity: 260 } }, 'GW_REJECT_IMPOSSIBLE_VALUE'],
    ['BME280 at 90 °C', { values: { temperature: 90 } }, 'GW_REJECT_IMPOSSIBLE_VALUE'],
    ['battery 12 V', { battery: 12 }, 'GW_REJECT_IMPOSSIBLE_VALUE'],
    ['no metric', { values: {} }, 'GW_REJECT_SCHEMA'],
    ['metric as a string', { values: { temperature: 'warm' } }, 'GW_REJECT_SCHEMA'],
    ['bad metric name', { values: { 'Temp C': 1 } }, 'GW_REJECT_SCHEMA'],
    ['bad sensor id', { sensor: 'BME 280' }, 'GW_REJECT_SCHEMA'],
  ]
  for (const [name, over, reason] of rejects) {
    it(`rejects ${name} as ${reason}`, () => {
      const r = normalize(raw(over), ctx)
      assert.ok(r instanceof Rejection, 'rejected')
      assert.equal(r.reason, reason)
    })
  }

  it('property: any output reading passes the compiled canonical schema (fixed seed)', () => {
    const value = fc.oneof(fc.double(), fc.constant('nan'), fc.constant(null), fc.string({ maxLength: 4 }), fc.integer())
    fc.assert(
      fc.property(
        fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,8}$/), value, { maxKeys: 5 }),
        fc.option(fc.integer({ min: -1, max: 2 ** 53 })),
        fc.option(fc.double()),
        (values, seq, ts) => {
          const r = normalize(raw({ values, ...(seq === null || seq < 0 ? {} : { seq }), ...(ts === null ? {} : { deviceTime: ts }) }), ctx)
          if (!(r instanceof Rejection) && r.kind === 'reading') assert.ok(ReadingCheck.Check(r.reading), JSON.stringify(r.reading))
        },
      ),
      { seed: 42, numRuns: 500 },
    )
  })

  it('recognises read-failure spellings', () => {
    assert.deepEqual(['nan', 'NaN', ' -nan ', 'inf', null, Number.NaN, Infinity].map(isReadFailure), Array(7).fill(true))
    assert.deepEqual(['0', 0, 'nano', ''].map(isReadFailure), [false, false, false, false])
  })
})
