import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Battery, ocv } from '../../../device-sim/device/battery.ts'
import { createRng } from '../../../device-sim/random/prng.ts'

test('OCV follows the sensors.md §4.5 table, interpolating between rows', () => {
  assert.equal(ocv(1), 4.2)
  assert.equal(ocv(0), 3.27)
  assert.equal(ocv(0.5), 3.84)
  assert.ok(Math.abs(ocv(0.525) - 3.845) < 1e-9)
})

test('draining 1500 of 3000 mAh halves the state of charge; load lowers the terminal voltage by I·R', () => {
  const b = new Battery(3000, createRng(1))
  b.drain(150, 10 * 3_600_000)
  assert.ok(Math.abs(b.soc - 0.5) < 1e-12)
  assert.ok(Math.abs(b.terminalVolts(0) - b.terminalVolts(200) - 0.016) < 1e-12)
})
