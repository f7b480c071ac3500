// The byte twin of the native encoder must say byte for byte what encode() says: the payload
// length the packet check uses, the payload as a JSON string literal and the metrics object.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import type { ReadingInput } from '../../../device-sim/dialects/dialect-types.ts'
import { nativeEncoder } from '../../../device-sim/dialects/native.ts'
import { nativeBytes } from '../../../device-sim/dialects/native-bytes.ts'
import { ByteWriter, SLACK } from '../../../device-sim/engine/byte-writer.ts'

const profiles = ['bme280', 'dht22', 'ds18b20', 'sht31'].map((id) => loadProfile(id))
const text = (f: (w: ByteWriter) => void): string => {
  const w = new ByteWriter(new Uint8Array(4096 + SLACK))
  f(w)
  return Buffer.from(w.buf.subarray(0, w.pos)).toString('utf8')
}

const value = fc.oneof(
  fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -0, 0, -127, 85),
  fc.double({ min: -1e4, max: 1e4, noNaN: true }).map((v) => Math.round(v * 1000) / 1000),
  fc.double({ noNaN: true }),
)
const input = fc.record({
  profile: fc.constantFrom(...profiles),
  deviceId: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
  seq: fc.oneof(fc.nat(), fc.maxSafeInteger()),
  boot: fc.nat(),
  deviceTime: fc.oneof(fc.nat({ max: 100_000 }), fc.integer({ min: 1.7e12, max: 1.9e12 })),
  utcOffsetMinutes: fc.constant(0),
  values: fc.array(value, { minLength: 3, maxLength: 3 }),
  battery: fc.option(fc.oneof(fc.constant(Number.NaN), fc.double({ min: 2.5, max: 4.5, noNaN: true }).map((v) => Math.round(v * 100) / 100)), { nil: undefined }),
  rssi: fc.option(fc.integer({ min: -127, max: 0 }), { nil: undefined }),
})

test('nativeBytes matches nativeEncoder.encode byte for byte', () => {
  fc.assert(
    fc.property(input, (r: ReadingInput) => {
      const [m] = nativeEncoder.encode(r)
      const texts: string[] = []
      const bytes = nativeBytes.prepare(r, texts)
      if (m === undefined) {
        assert.equal(bytes, -1)
        return
      }
      assert.equal(nativeBytes.topic(r.deviceId), m.topic)
      assert.equal(bytes, Buffer.byteLength(m.payload))
      assert.equal(text((w) => nativeBytes.writePayloadJson(r, texts, w)), JSON.stringify(m.payload))
      assert.equal(text((w) => nativeBytes.writeMetricsJson(r, texts, w)), m.metricsJson)
    }),
    { numRuns: 5000 },
  )
})
