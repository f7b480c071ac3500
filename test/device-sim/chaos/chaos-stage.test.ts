import assert from 'node:assert/strict'
import { test } from 'node:test'
import { noChaos } from '../../../device-sim/chaos/chaos-options.ts'
import { ChaosStage } from '../../../device-sim/chaos/chaos-stage.ts'
import type { PublishRecord } from '../../../device-sim/engine/publish-record.ts'
import { createRng } from '../../../device-sim/random/prng.ts'

const rec = (seq: number): PublishRecord => ({
  publishedAt: seq * 1000,
  deviceId: 'd',
  kind: 'telemetry',
  topic: 'devices/d/telemetry',
  qos: 1,
  retain: false,
  payload: `{"seq":${seq},"temperature":21.5}`,
  reading: null,
  chaos: null,
})

test('reorder: a held publish goes out right after the next one', () => {
  const out: PublishRecord[] = []
  const stage = new ChaosStage({ ...noChaos, reorder: 1 }, createRng(1))
  stage.process(rec(1), (r) => out.push(r))
  assert.equal(out.length, 0)
  stage.process(rec(2), (r) => out.push(r))
  assert.deepEqual(out.map((r) => [r.payload, r.chaos]), [
    ['{"seq":2,"temperature":21.5}', null],
    ['{"seq":1,"temperature":21.5}', 'reordered'],
  ])
})

test('duplicate and malformed rates match their probability (binomial 99.9 % bounds)', () => {
  const out: PublishRecord[] = []
  const stage = new ChaosStage({ ...noChaos, duplicate: 0.1, malformed: 0.05 }, createRng(2))
  const n = 20_000
  for (let i = 0; i < n; i++) stage.process(rec(i), (r) => out.push(r))
  const dup = out.filter((r) => r.chaos === 'duplicate').length
  const bad = out.filter((r) => r.chaos === 'malformed').length
  assert.ok(Math.abs(dup - 0.1 * n) < 3.3 * Math.sqrt(n * 0.1 * 0.9), String(dup))
  assert.ok(Math.abs(bad - 0.05 * n) < 3.3 * Math.sqrt(n * 0.05 * 0.95), String(bad))
  for (const r of out.filter((x) => x.chaos === 'malformed')) {
    let parsed = true
    try {
      const v = JSON.parse(r.payload)
      parsed = typeof v.seq === 'number' && typeof v.temperature === 'number'
    } catch {
      parsed = false
    }
    assert.equal(parsed, false, `malformed payload still valid: ${r.payload}`)
  }
})
