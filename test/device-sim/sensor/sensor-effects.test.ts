// Effects sensors.md describes that the shipped profiles leave off (so their output is unchanged):
// the BME280 IIR filter, DHT22 self-heating when polled fast, and DHT22 clones' two's-complement
// negative temperatures. Each runs on an "ideal" unit (no noise, offset, drift, lag or failures)
// so the expected values are exact.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadProfile, parseProfile } from '../../../firmware-profiles/load-profile.ts'
import type { ChannelProfile, FirmwareProfile } from '../../../firmware-profiles/profile-schema.ts'
import { SimError } from '../../../device-sim/errors.ts'
import { createRng } from '../../../device-sim/random/prng.ts'
import { SensorModel, type Truth } from '../../../device-sim/sensor/sensor-model.ts'

const c = (value: number) => ({ value, source: 'test' })
const idealChannel = (ch: ChannelProfile, resolution: number): ChannelProfile => ({
  metric: ch.metric,
  unit: ch.unit,
  min: ch.min,
  max: ch.max,
  resolution: c(resolution),
  noiseSigma: c(0),
  offsetSigma: c(0),
  offsetClip: c(0),
  driftPerYear: c(0),
  tauS: c(0),
})
function ideal(id: string, over: Partial<FirmwareProfile>, resolution = 0.0001): FirmwareProfile {
  const p = loadProfile(id)
  const { selfHeatingC: _s, coupledHumidity: _c, iirCoefficient: _i, ...rest } = p
  return { ...rest, returnsPrevious: false, channels: p.channels.map((ch) => idealChannel(ch, resolution)), failures: [], ...over }
}
const sensor = (p: FirmwareProfile, seed = 1) => new SensorModel(p, createRng(seed, 'u'), createRng(seed, 's'), 0)
const air: Truth = { temperature: 20, humidity: 50, pressure: 1000 }
const step: Truth = { temperature: 21, humidity: 60, pressure: 1010 }

test('BME280 IIR: samples to reach 75 % of a step are the datasheet table (c=2 → 2, 4 → 5, 8 → 11, 16 → 22); humidity is never filtered', () => {
  const samples: Record<number, number> = {}
  for (const coeff of [2, 4, 8, 16]) {
    const s = sensor(ideal('bme280', { iirCoefficient: c(coeff) }))
    s.read(0, air) // the first conversion after the config write becomes the filter state
    let n = 0
    let v: number[] = []
    do {
      n++
      v = s.read(n * 1000, step).values
      assert.equal(v[1], 60, 'humidity follows the step at once')
    } while ((v[0] as number) - 20 < 0.75 || (v[2] as number) - 1000 < 7.5)
    samples[coeff] = n
  }
  assert.deepEqual(samples, { 2: 2, 4: 5, 8: 11, 16: 22 }) // sensors.md §2.3 IIR
})

test('BME280 IIR: the exact recursion, and a power cycle (config write) resets the state', () => {
  const s = sensor(ideal('bme280', { iirCoefficient: c(4) }))
  assert.deepEqual(s.read(0, air).values, [20, 50, 1000])
  // y1 = (20·3 + 21)/4 = 20.25; y2 = (20.25·3 + 21)/4 = 20.4375; pressure likewise
  assert.deepEqual(s.read(1000, step).values, [20.25, 60, 1002.5])
  assert.deepEqual(s.read(2000, step).values, [20.4375, 60, 1004.375])
  s.powerCycle()
  assert.deepEqual(s.read(3000, air).values, [20, 50, 1000])
})

test('BME280 as shipped: filter off (weather preset), a step shows in one sample', () => {
  assert.equal(loadProfile('bme280').iirCoefficient?.value, 1)
  const s = sensor(ideal('bme280', { iirCoefficient: loadProfile('bme280').iirCoefficient }))
  s.read(0, air)
  assert.deepEqual(s.read(1000, step).values, [21, 60, 1010])
})

test('an IIR coefficient the register cannot hold is SIM_ERR_INVALID_PROFILE', () => {
  const json = JSON.parse(JSON.stringify({ ...loadProfile('bme280'), iirCoefficient: c(3) }))
  assert.throws(() => parseProfile(json, 'bme280.json'), (e: unknown) => e instanceof SimError && e.code === 'SIM_ERR_INVALID_PROFILE' && e.message.includes('/iirCoefficient'))
})

const heating = { maxC: c(0.5), fullAtIntervalMs: c(2000), tauS: c(1200) }

test('DHT22 self-heating: polled every 2 s the bias rises as 0.5·(1 − e^(−t/τ)); polled every minute it falls toward 0.5·2/60', () => {
  const s = sensor(ideal('dht22', { pollSelfHeating: heating }))
  assert.equal(s.read(0, air).values[0], 20)
  let t = 0
  let v = 0
  for (let i = 0; i < 600; i++) v = s.read((t += 2000), air).values[0] as number
  // after 600 reads (1200 s = τ): 20 + 0.5·(1 − e^−1) = 20.31606 → 20.3161 at 0.0001
  assert.equal(v, 20.3161)
  for (let i = 0; i < 120; i++) v = s.read((t += 60_000), air).values[0] as number
  // two hours later the bias is back near the 60 s duty-cycle level 0.0167
  const expected = 0.5 * (2 / 60) + (0.31606 - 0.5 * (2 / 60)) * Math.exp(-7200 / 1200)
  assert.ok(Math.abs(v - 20 - expected) < 0.0002, `${v} vs ${20 + expected}`)
  // the humidity channel is untouched (the DHT22 computes RH on its own, not from its die temperature)
  assert.equal(s.read((t += 60_000), air).values[1], 50)
})

test('DHT22 as shipped: no poll self-heating, a 2 s poll reads the truth', () => {
  assert.equal(loadProfile('dht22').pollSelfHeating, undefined)
  const s = sensor(ideal('dht22', {}))
  let v = 0
  for (let i = 0; i <= 600; i++) v = s.read(i * 2000, air).values[0] as number
  assert.equal(v, 20)
})

test('DHT22 clone: a two\'s-complement unit reads −10.1 °C as −3266.7 through the sign-magnitude decode; positive values are unaffected', () => {
  const clone = sensor(ideal('dht22', { twosComplementCloneFraction: c(1) }, 0.1))
  assert.equal(clone.twosComplementClone, true)
  assert.deepEqual(clone.read(0, { ...air, temperature: 5 }), { values: [5, 50], fault: null, fresh: true })
  assert.deepEqual(clone.read(2000, { ...air, temperature: -10.1 }), { values: [-3266.7, 50], fault: 'clone-encoding', fresh: true })
  assert.deepEqual(clone.read(4000, { ...air, temperature: -0.1 }).values, [-3276.7, 50])
  const genuine = sensor(ideal('dht22', {}, 0.1))
  assert.equal(genuine.twosComplementClone, false)
  assert.deepEqual(genuine.read(0, { ...air, temperature: -10.1 }).values, [-10.1, 50])
})

test('DHT22 clone share: drawn per unit from its seed, after the channel draws', () => {
  const p = ideal('dht22', { twosComplementCloneFraction: c(0.3) }, 0.1)
  let clones = 0
  for (let seed = 1; seed <= 200; seed++) if (sensor(p, seed).twosComplementClone) clones++
  assert.equal(clones, 64) // of 200 at a 0.3 share
  // the clone draw comes last, so a unit's offsets are the same with or without it
  assert.deepEqual(
    sensor(loadProfile('dht22'), 7).channels.map((ch) => ch.unit),
    sensor({ ...loadProfile('dht22'), twosComplementCloneFraction: c(0.3) }, 7).channels.map((ch) => ch.unit),
  )
})
