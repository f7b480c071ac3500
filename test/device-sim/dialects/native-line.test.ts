// The native line template must write exactly the line of writeTelemetryLine's generic path (the
// one telemetry-line.test.ts and the goldens check against toNdjsonLine) for every reading it
// accepts, and refuse the readings it cannot write.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import type { ReadingInput } from '../../../device-sim/dialects/dialect-types.ts'
import { nativeBytes } from '../../../device-sim/dialects/native-bytes.ts'
import { NativeLine } from '../../../device-sim/dialects/native-line.ts'
import { ByteWriter, SLACK } from '../../../device-sim/engine/byte-writer.ts'
import { headText, lineParts, sensorText, writeTelemetryLine } from '../../../device-sim/engine/telemetry-line.ts'
import { quantizerParams } from '../../../device-sim/sensor/quantize.ts'

const profiles = ['bme280', 'dht22', 'ds18b20', 'sht31'].map((id) => loadProfile(id))
const writer = (): ByteWriter => {
  // junk in the buffer, so that a byte the template fails to write shows
  const buf = new Uint8Array(8192 + SLACK).fill(0x7e)
  const w = new ByteWriter(buf)
  w.pos = 100
  return w
}
const text = (w: ByteWriter): string => Buffer.from(w.buf.subarray(100, w.pos)).toString('utf8')

interface Case {
  input: ReadingInput
  publishedAt: number
  fault: string | null
  qos: 0 | 1
}

const epoch = fc.integer({ min: 1_700_000_000_000, max: 1_900_000_000_000 })
const anyCase = fc
  .record({
    p: fc.integer({ min: 0, max: profiles.length - 1 }),
    deviceId: fc.stringMatching(/^[A-Za-z0-9_-]{1,40}$/),
    qos: fc.constantFrom(0 as const, 1 as const),
    seq: fc.oneof(fc.integer({ min: 1, max: 100 }), fc.maxSafeInteger()),
    boot: fc.oneof(fc.constant(1_767_225_600), fc.nat()),
    deviceTime: fc.oneof(fc.nat({ max: 100_000 }), epoch),
    publishedAt: epoch,
    // quantized values, well outside the clamp range too, negative, and sentinels
    steps: fc.array(fc.oneof(fc.integer({ min: -50_000, max: 50_000 }), fc.constantFrom(0)), { minLength: 3, maxLength: 3 }),
    sentinel: fc.option(fc.constantFrom(-127, 85, 100, -0), { nil: undefined }),
    battery: fc.option(fc.integer({ min: 250, max: 450 }).map((v) => v / 100), { nil: undefined }),
    rssi: fc.option(fc.integer({ min: -127, max: 0 }), { nil: undefined }),
    fault: fc.constantFrom(null, 'spike', 'stuck', 'creep', 'power-on-85'),
  })
  .map((r): Case => {
    const profile = profiles[r.p] as (typeof profiles)[number]
    const values = profile.channels.map((c, i) => {
      const { step, stepUnits, scale } = quantizerParams(c.resolution.value)
      const base = Math.round(((c.min.value + c.max.value) / 2) / step)
      return ((base + (r.steps[i] as number)) * stepUnits) / scale
    })
    if (r.sentinel !== undefined) values[0] = r.sentinel
    return {
      input: { deviceId: r.deviceId, profile, seq: r.seq, boot: r.boot, deviceTime: r.deviceTime, utcOffsetMinutes: 0, values, battery: r.battery, rssi: r.rssi },
      publishedAt: r.publishedAt,
      fault: r.fault,
      qos: r.qos,
    }
  })

function templateOf(c: Case): NativeLine {
  const r = c.input
  const topic = nativeBytes.topic(r.deviceId)
  return new NativeLine({
    deviceId: r.deviceId,
    topic,
    qos: c.qos,
    profile: r.profile,
    hasBattery: r.battery !== undefined,
    hasRssi: r.rssi !== undefined,
    head: headText(r.deviceId, topic, c.qos),
    sensor: sensorText(r.profile.id, 'native'),
  })
}

function lines(c: Case): { template: string | null; generic: string; payloadBytes: number; line: NativeLine } {
  const r = c.input
  const topic = nativeBytes.topic(r.deviceId)
  const line = templateOf(c)
  const texts: string[] = []
  const payloadBytes = nativeBytes.prepare(r, texts)
  const g = writer()
  writeTelemetryLine(g, { publishedAt: c.publishedAt, input: r, fault: c.fault, bytes: nativeBytes, texts, parts: lineParts(r.deviceId, topic, c.qos, r.profile.id, 'native'), line: null })
  let template: string | null = null
  if (line.load(r)) {
    const t = writer()
    line.write(t, c.publishedAt, c.fault)
    template = text(t)
  }
  return { template, generic: text(g), payloadBytes, line }
}

/** seq, boot and RSSI the template's code takes (a larger one goes to the generic path) */
const small = (x: number | undefined): boolean => x === undefined || Math.abs(x) <= 2_147_483_647

test('the template writes the generic line byte for byte, and measures its payload', () => {
  let written = 0
  fc.assert(
    fc.property(anyCase, (c) => {
      const { template, generic, payloadBytes, line } = lines(c)
      if (!small(c.input.seq) || !small(c.input.boot)) {
        assert.equal(template, null, 'an epoch-sized seq or boot is left to the generic path')
        return
      }
      assert.notEqual(template, null, 'a reading of quantized values is accepted')
      assert.equal(template, generic)
      assert.equal(line.payloadBytes(), payloadBytes)
      assert.ok(line.maxPayloadBytes >= payloadBytes)
      written++
    }),
    { numRuns: 3000 },
  )
  assert.ok(written > 1000, `${written} of 3000 written by the template`)
})

test('lines written one after another in one buffer are each exact (no stray bytes from the last)', () => {
  fc.assert(
    fc.property(fc.array(anyCase, { minLength: 2, maxLength: 8 }), (cs) => {
      const w = writer()
      let want = ''
      for (const c of cs) {
        const { generic, line } = lines(c)
        if (!line.load(c.input)) continue
        line.write(w, c.publishedAt, c.fault)
        want += generic
      }
      assert.equal(text(w), want)
    }),
    { numRuns: 300 },
  )
})

test('a reading the template cannot write exactly is refused (the generic path writes it)', () => {
  const c = fc.sample(anyCase, { numRuns: 1, seed: 1 })[0] as Case
  const refuse = (over: Partial<ReadingInput>): boolean => templateOf(c).load({ ...c.input, ...over })
  assert.equal(refuse({}), true)
  const n = c.input.values.length
  assert.equal(refuse({ values: Array(n).fill(Number.NaN) }), false, 'a failed read')
  assert.equal(refuse({ values: [Number.NaN, ...c.input.values.slice(1)] }), false, 'one failed channel')
  assert.equal(refuse({ values: [21.123456789, ...c.input.values.slice(1)] }), false, 'a value finer than the channel resolution')
  assert.equal(refuse({ values: [Number.POSITIVE_INFINITY, ...c.input.values.slice(1)] }), false, 'an infinite value')
  assert.equal(refuse({ seq: 0.5 }), false, 'a fractional integer field')
  assert.equal(refuse({ seq: 2 ** 31 }), false, 'a seq of epoch size')
  assert.equal(refuse({ deviceTime: -1_767_225_600_000 }), true, 'a time of any size or sign')
  // a template made for a reading without a battery does not take one with it
  assert.equal(templateOf({ ...c, input: { ...c.input, battery: undefined } }).load({ ...c.input, battery: 3.91 }), false)
})
