import assert from 'node:assert/strict'
import { test } from 'node:test'
import { DeviceClock } from '../../../device-sim/device/device-clock.ts'

const t0 = Date.UTC(2026, 0, 1)

test('before the first NTP sync the clock reads 1970 + uptime; a power-on reset returns there', () => {
  const c = new DeviceClock(0, 7000, 0)
  c.powerOn(t0)
  assert.equal(c.now(t0 + 5000), 5000)
  c.sync(t0 + 6000)
  assert.equal(c.now(t0 + 7000), t0 + 7000)
  c.powerOn(t0 + 10_000)
  assert.equal(c.now(t0 + 11_000), 1000)
})

test('deep sleep runs the RC clock fast by its ppm; awake runs at the crystal rate', () => {
  const c = new DeviceClock(5, 10_000, 0)
  c.powerOn(t0)
  c.sync(t0)
  c.setSleeping(t0, true)
  c.setSleeping(t0 + 3_600_000, false)
  // +1 % over an hour asleep = +36 s (sensors.md §4.6: gains 33–38 s/h)
  assert.equal(c.now(t0 + 3_600_000) - (t0 + 3_600_000), 36_000)
  assert.equal(c.trueDuration(3_636_000, true), 3_600_000)
})

test('clock-skew chaos adds a constant error after every sync', () => {
  const c = new DeviceClock(0, 0, -90_000)
  c.powerOn(t0)
  c.sync(t0 + 1000)
  assert.equal(c.now(t0 + 2000), t0 + 2000 - 90_000)
})
