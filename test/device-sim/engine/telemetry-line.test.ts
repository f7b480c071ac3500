// The --out fast path (DeviceOutput.telemetry + writeTelemetryLine) against the record path
// (publish + toNdjsonLine): the same fleet run through both must give the same bytes, line for
// line, across profiles, dialects, power modes, failed reads, outages and chaos.
import assert from 'node:assert/strict'
import { dirname, join } from 'node:path'
import { test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import type { DeviceOutput } from '../../../device-sim/device/device-spec.ts'
import { buildDevices } from '../../../device-sim/engine/build-fleet.ts'
import { ByteWriter, SLACK } from '../../../device-sim/engine/byte-writer.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import { toNdjsonLine } from '../../../device-sim/engine/publish-record.ts'
import { Simulation } from '../../../device-sim/engine/simulation.ts'
import { writeTelemetryLine } from '../../../device-sim/engine/telemetry-line.ts'

const fleet = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden-fleet.json')

function lines(over: Record<string, unknown>, fast: boolean): { lines: string[]; fastLines: number } {
  const plan = planFleet(Value.Default(SimConfigSchema, Value.Clone({ out: 'unused', ...over })) as SimConfig)
  const sim = new Simulation(buildDevices(plan), plan.startAt, plan.durationMs)
  const out: string[] = []
  let fastLines = 0
  const w = new ByteWriter(new Uint8Array((64 << 10) + SLACK))
  const o: DeviceOutput = { publish: (r) => out.push(`${toNdjsonLine(r)}\n`), session: () => {} }
  if (fast) {
    o.telemetry = (v) => {
      w.pos = 0
      writeTelemetryLine(w, v)
      out.push(Buffer.from(w.buf.subarray(0, w.pos)).toString('utf8'))
      fastLines++
    }
  }
  sim.runUntil(Number.POSITIVE_INFINITY, o)
  return { lines: out, fastLines }
}

const cases: [string, Record<string, unknown>][] = [
  ['mixed fleet (every profile, dialect, power mode, scripted event)', { fleet, duration: '3h', seed: 3 }],
  ['battery DHT22s, QoS 1, with an outage and extra drops', { profile: 'dht22', devices: 20, interval: '2s', duration: '1h', power: 'battery', qos: 1, seed: 4, chaos: { disconnectsPerHour: 6, outageAt: '10m', outageFor: '2m' } }],
  ['deep-sleeping BME280s on a small cell', { profile: 'bme280', devices: 5, interval: '1m', duration: '3d', power: 'deep-sleep', batteryMah: 200, seed: 6 }],
  ['chaos (the fast path must step aside)', { fleet, duration: '1h', seed: 11, chaos: { duplicate: 0.05, reorder: 0.05, malformed: 0.02, clockSkew: '30s' } }],
]

for (const [name, cfg] of cases) {
  test(`fast telemetry lines equal toNdjsonLine: ${name}`, () => {
    const slow = lines(cfg, false)
    const fast = lines(cfg, true)
    assert.equal(slow.fastLines, 0)
    assert.equal(fast.lines.length, slow.lines.length)
    for (let i = 0; i < slow.lines.length; i++) assert.equal(fast.lines[i], slow.lines[i], `line ${i}`)
    if (name.startsWith('chaos')) assert.equal(fast.fastLines, 0, 'chaos-enabled devices publish records')
    else assert.ok(fast.fastLines > 1000, `${fast.fastLines} of ${slow.lines.length} lines took the fast path`)
  })
}
