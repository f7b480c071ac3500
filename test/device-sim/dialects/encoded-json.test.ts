import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import { encoders } from '../../../device-sim/dialects/encoders.ts'
import { numberText } from '../../../device-sim/dialects/number-text.ts'

// The encoders pre-build what the NDJSON line needs (metricsJson, payloadJson) for speed; they must
// be exactly what JSON.stringify gives, for every dialect, profile and value, NaN included.
test('metricsJson and payloadJson are exactly JSON.stringify of metrics and payload', () => {
  const profiles = ['bme280', 'dht22', 'sht31', 'ds18b20'].map((id) => loadProfile(id))
  const value = fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.constant(Number.NaN), fc.integer({ min: -200, max: 2000 }).map((n) => n / 100))
  fc.assert(
    fc.property(
      fc.constantFrom(...profiles),
      fc.constantFrom('native', 'tasmota', 'esphome' as const),
      fc.array(value, { minLength: 3, maxLength: 3 }),
      fc.option(fc.double({ min: 2.5, max: 4.3, noNaN: true }), { nil: undefined }),
      fc.integer({ min: 0, max: 2 ** 40 }),
      (profile, dialect, values, battery, deviceTime) => {
        const messages = encoders[dialect as 'native'].encode({ deviceId: 'sim-x-00001', profile, seq: 7, boot: 1767225600, deviceTime, utcOffsetMinutes: 60, values: values.slice(0, profile.channels.length), battery, rssi: -61 })
        for (const m of messages) {
          assert.equal(m.metricsJson === undefined ? undefined : `{${m.metricsJson}}`, JSON.stringify(m.metrics))
          if (m.payloadJson !== undefined) assert.equal(m.payloadJson, JSON.stringify(m.payload))
        }
      },
    ),
    { numRuns: 2000 },
  )
})

test('numberText is String() for any number, also after the cache is full', () => {
  fc.assert(fc.property(fc.double(), (v) => assert.equal(numberText(v), String(v))), { numRuns: 70_000 })
  assert.equal(numberText(-0), '0')
})
