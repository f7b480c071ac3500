import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import type { FirmwareProfile } from '../../../firmware-profiles/profile-schema.ts'
import { measureFailureRates } from '../../../device-sim/fidelity/measure.ts'
import { createRng } from '../../../device-sim/random/prng.ts'
import { SensorModel, type Truth } from '../../../device-sim/sensor/sensor-model.ts'

const air: Truth = { temperature: 20, humidity: 50, pressure: 1000 }
const sensor = (p: FirmwareProfile, seed = 1) => new SensorModel(p, createRng(seed, 'u'), createRng(seed, 's'), 0)
const withoutFailures = (p: FirmwareProfile): FirmwareProfile => ({ ...p, failures: [] })

test('DHT22: a read within 2 s returns the cached result, not a new conversion', () => {
  const s = sensor(withoutFailures(loadProfile('dht22')))
  const a = s.read(0, air)
  const b = s.read(1500, { ...air, temperature: 30 })
  assert.equal(b.fresh, false)
  assert.deepEqual(b.values, a.values)
  assert.equal(s.read(2000, air).fresh, true)
})

test('DHT22: each read returns the conversion of the previous read (one-sample lag)', () => {
  const s = sensor(withoutFailures(loadProfile('dht22')))
  s.read(0, air)
  s.read(600_000, { ...air, temperature: 30 })
  const third = s.read(1_200_000, { ...air, temperature: 30 })
  const second = s.read(1_800_000, { ...air, temperature: 30 })
  // the read at 600 s converted 30 °C through a 15 s lag started at 20 °C; it surfaces one read later
  assert.ok(Math.abs((third.values[0] as number) - 30) < 1.5)
  assert.ok(Math.abs((second.values[0] as number) - 30) < 1.5)
  const s2 = sensor(withoutFailures(loadProfile('dht22')))
  s2.read(0, air)
  const lagged = s2.read(600_000, { ...air, temperature: 30 })
  assert.ok(Math.abs((lagged.values[0] as number) - 20) < 1.5, `got ${lagged.values[0]}: should still be the 20 °C conversion`)
})

test('DS18B20: a read before the 750 ms conversion returns the 85 °C power-on value', () => {
  const s = sensor(withoutFailures(loadProfile('ds18b20')))
  s.read(0, air)
  const early = s.read(500, air)
  assert.deepEqual(early.values, [85])
  assert.equal(early.fault, 'early-read')
  assert.notEqual(s.read(750, air).values[0], 85)
})

test('DS18B20 unplugged reads −127; DHT22 unplugged reads NaN', () => {
  assert.deepEqual(sensor(loadProfile('ds18b20')).read(0, air, true).values, [-127])
  assert.ok(sensor(loadProfile('dht22')).read(0, air, true).values.every(Number.isNaN))
})

test('DHT22 failure rates fall inside 99.9 % bounds of the profile rates (200k reads)', () => {
  const p = loadProfile('dht22')
  const reads = 200_000
  const rates = measureFailureRates(p, reads, 11)
  for (const f of p.failures) {
    if (f.kind !== 'nan' && f.kind !== 'spike' && f.kind !== 'lockup') continue
    const expected = f.ratePerRead.value * reads
    const got = rates.find((r) => r.tag === f.kind)?.count ?? 0
    // Poisson approximation: |k − λ| < 3.3·√λ + 1 covers 99.9 %
    assert.ok(Math.abs(got - expected) < 3.3 * Math.sqrt(expected) + 1, `${f.kind}: ${got} vs ${expected}`)
  }
})

test('a lock-up persists until a power cycle', () => {
  const p = loadProfile('dht22')
  const locked: FirmwareProfile = { ...p, failures: [{ kind: 'lockup', ratePerRead: { value: 1, source: 'test' } }] }
  const s = sensor(locked)
  for (let i = 0; i < 5; i++) assert.equal(s.read(i * 5000, air).fault, 'lockup')
  const noMore: FirmwareProfile = { ...p, failures: [] }
  const s2 = sensor(noMore)
  s2.read(0, air)
  assert.equal(s2.faults.lockedUp, false)
  s.powerCycle()
  assert.equal(s.faults.lockedUp, false)
})

test('DHT22 humidity gets stuck at 99.9 under condensation and stays after the air dries', () => {
  const p = loadProfile('dht22')
  const s = sensor({ ...p, failures: p.failures.filter((f) => f.kind === 'stuck') }, 5)
  let t = 0
  for (let i = 0; i < 20_000; i++) s.read((t += 60_000), { ...air, temperature: 5, humidity: 100 })
  const after = s.read((t += 60_000), air)
  assert.equal(after.values[1], 99.9)
  assert.equal(after.fault, 'stuck')
})

test('BME280 self-heating: temperature reads high and humidity low against the truth', () => {
  const p = withoutFailures(loadProfile('bme280'))
  let dT = 0
  let dH = 0
  const n = 400
  for (let i = 0; i < n; i++) {
    const s = sensor(p, i)
    const r = s.read(0, air)
    dT += (r.values[0] as number) - air.temperature
    dH += (r.values[1] as number) - air.humidity
  }
  // offsets average out over 400 units (σ 0.5 °C → SE 0.025; σ 1 %RH → SE 0.05)
  assert.ok(Math.abs(dT / n - 0.2) < 0.1, `mean T error ${dT / n}`)
  assert.ok(dH / n < -0.3, `mean RH error ${dH / n} should show the coupled −6 %/°C × 0.2 °C`)
})

test('DS18B20 −127 runs start at the profile rate and last meanRunReads on average', () => {
  const p = loadProfile('ds18b20')
  const m = p.failures.find((f) => f.kind === 'sentinel' && f.name === 'disconnected-127')
  assert.ok(m && m.kind === 'sentinel')
  const fast: FirmwareProfile = { ...p, failures: [{ ...m, ratePerRead: { value: 0.01, source: 'test' } }] }
  const s = sensor(fast, 3)
  const n = 200_000
  let runs = 0
  let inRun = 0
  let prev = false
  for (let i = 0; i < n; i++) {
    const v = s.read(i * 1000, air).values[0] === -127
    if (v && !prev) runs++
    if (v) inRun++
    prev = v
  }
  const mean = inRun / runs
  const onsetRate = runs / (n - inRun)
  // geometric run length, mean 5, sd √20 ≈ 4.5: SE of the mean over ~1700 runs ≈ 0.11
  assert.ok(Math.abs(mean - m.meanRunReads.value) < 4 * Math.sqrt(20 / runs), `mean run ${mean}`)
  assert.ok(Math.abs(onsetRate - 0.01) < 4 * Math.sqrt(0.01 / (n - inRun)), `onset ${onsetRate}`)
})
