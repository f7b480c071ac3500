import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import type { ChannelProfile } from '../../../firmware-profiles/profile-schema.ts'
import { measureDrift, measureNoise, measureQuantStep } from '../../../device-sim/fidelity/measure.ts'
import { createRng } from '../../../device-sim/random/prng.ts'
import { ChannelModel } from '../../../device-sim/sensor/channel-model.ts'

const profiles = ['dht22', 'bme280', 'sht31', 'ds18b20'].map((id) => loadProfile(id))

for (const p of profiles) {
  p.channels.forEach((ch, i) => {
    test(`${p.id} ${ch.metric}: residual variance is σ² + q²/12 within 4 standard errors`, () => {
      const n = measureNoise(p, i, 40_000, 7)
      assert.ok(Math.abs(n.meanSquare - n.expectedMeanSquare) < 4 * n.se, `${n.meanSquare} vs ${n.expectedMeanSquare} ± ${4 * n.se}`)
    })
    test(`${p.id} ${ch.metric}: every value sits on the resolution grid and the grid step appears`, () => {
      const step = measureQuantStep(p, i, 20_000, 7)
      assert.ok(Math.abs(step - ch.resolution.value) < 1e-9, `step ${step}`)
    })
  })
}

test('drift: the fitted |slope| over a simulated year matches the stated stability', () => {
  for (const p of profiles) {
    p.channels.forEach((ch, i) => {
      const d = measureDrift(p, i, 50_000, 3)
      // each unit drifts at ±driftPerYear exactly; the fit error per unit is σ·√(12/n)/1 yr ≈ σ·0.11
      const tol = 4 * ch.noiseSigma.value * Math.sqrt(12 / 1000) + ch.resolution.value * 0.05
      assert.ok(Math.abs(d.perYear - ch.driftPerYear.value) < tol, `${p.id} ${ch.metric}: ${d.perYear} vs ${ch.driftPerYear.value} ± ${tol}`)
    })
  }
})

function noiseless(ch: ChannelProfile, over: Partial<Record<'tauS' | 'hysteresis', number>>): ChannelProfile {
  const c = (v: number) => ({ value: v, source: 'test' })
  return { ...ch, noiseSigma: c(0), resolution: c(0.001), tauS: c(over.tauS ?? 0), hysteresis: c(over.hysteresis ?? 0) }
}

test('first-order lag reaches 63 % of a step after τ', () => {
  const ch = noiseless(loadProfile('sht31').channels[1] as ChannelProfile, { tauS: 8 })
  const m = new ChannelModel(ch, { offset: 0, driftPerMs: 0 }, 0)
  const rng = createRng(1)
  m.convert(0, 40, 0, rng)
  const y = m.convert(8000, 50, 0, rng)
  assert.ok(Math.abs(y - (40 + 10 * (1 - Math.exp(-1)))) < 0.002, String(y))
})

test('hysteresis: rising input reads low and falling reads high by the stated half-width', () => {
  const ch = noiseless(loadProfile('bme280').channels[1] as ChannelProfile, { hysteresis: 1 })
  const m = new ChannelModel(ch, { offset: 0, driftPerMs: 0 }, 0)
  const rng = createRng(1)
  let t = 0
  for (let rh = 10; rh <= 60; rh++) m.convert((t += 1000), rh, 0, rng)
  const rising = m.convert((t += 1000), 60, 0, rng)
  for (let rh = 90; rh >= 60; rh--) m.convert((t += 1000), rh, 0, rng)
  const falling = m.convert((t += 1000), 60, 0, rng)
  assert.equal(rising, 59)
  assert.equal(falling, 61)
})
