import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import type { SessionEvent } from '../../../device-sim/device/device-spec.ts'
import { buildDevices } from '../../../device-sim/engine/build-fleet.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import type { PublishRecord } from '../../../device-sim/engine/publish-record.ts'
import { Simulation } from '../../../device-sim/engine/simulation.ts'

function simulate(over: Record<string, unknown>) {
  const cfg = Value.Default(SimConfigSchema, { out: 'unused', seed: 5, ...over }) as SimConfig
  const plan = planFleet(cfg)
  const sim = new Simulation(buildDevices(plan), plan.startAt, plan.durationMs)
  const pubs: PublishRecord[] = []
  const sessions: SessionEvent[] = []
  sim.runUntil(Number.POSITIVE_INFINITY, { publish: (r) => pubs.push(r), session: (e) => sessions.push(e) })
  return { sim, pubs, sessions }
}

test('deep sleep: wake, connect, publish, DISCONNECT (no Will); seq survives in RTC memory', () => {
  const { sim, pubs, sessions } = simulate({ profile: 'bme280', devices: 1, power: 'deep-sleep', interval: '5m', duration: '6h' })
  const t = pubs.filter((p) => p.kind === 'telemetry')
  assert.ok(t.length >= 70 && t.length <= 73, String(t.length))
  // one power-on: the boot counter never moves across deep sleeps; it starts at the simulated
  // start in epoch seconds (the --out default start), so a later run never reuses it
  const firstBoot = Math.floor(Date.parse('2026-01-01T00:00:00Z') / 1000)
  t.forEach((p, i) => {
    assert.equal(p.reading?.seq, i + 1)
    assert.equal(p.reading?.boot, firstBoot)
  })
  const downs = sessions.filter((s) => s.state === 'down')
  assert.ok(downs.length >= 70 && downs.every((s) => s.graceful))
  assert.ok((t.at(-1)?.reading?.battery ?? 0) > 3.9, 'a few hours of deep sleep barely touch 3000 mAh')
  assert.equal(sim.totals().batteryDead, false)
})

test('an always-on battery node runs down and browns out', () => {
  const { sim, pubs } = simulate({ profile: 'sht31', devices: 1, power: 'battery', batteryMah: 100, interval: '1m', duration: '3h' })
  const v = pubs.filter((p) => p.kind === 'telemetry').map((p) => p.reading?.battery ?? 0)
  assert.ok((v[0] ?? 0) > (v.at(-1) ?? 0))
  assert.equal(sim.totals().batteryDead, true)
})

test('PubSubClient loses readings made while the link is down (seq gaps); esp-mqtt keeps the last 30 s', () => {
  const common = { profile: 'bme280', devices: 5, interval: '5s', duration: '2h', chaos: { disconnectsPerHour: 6 } }
  const q0 = simulate({ ...common, qos: 0 })
  const q1 = simulate({ ...common, qos: 1 })
  assert.ok(q0.sim.totals().droppedOffline > 0)
  assert.ok(q0.sim.totals().wifiDrops > 0)
  assert.equal(q1.sim.totals().droppedOffline, 0)
  const late = q1.pubs.filter((p) => p.kind === 'telemetry' && p.publishedAt > (p.reading?.sampledAt ?? 0))
  assert.ok(late.length > 0)
  for (const p of late) assert.ok(p.publishedAt - (p.reading?.sampledAt ?? 0) <= 30_000)
})

test('sensor-unplugged event: DS18B20 reports −127 for its window only', () => {
  const cfg = Value.Default(SimConfigSchema, { out: 'unused', seed: 5, profile: 'ds18b20', devices: 1, interval: '1m', duration: '3h' }) as SimConfig
  const plan = planFleet(cfg)
  plan.events.push({ type: 'sensor-unplugged', site: undefined, device: undefined, start: 3_600_000, end: 5_400_000, magnitude: 1 })
  const sim = new Simulation(buildDevices(plan), plan.startAt, plan.durationMs)
  const pubs: PublishRecord[] = []
  sim.runUntil(Number.POSITIVE_INFINITY, { publish: (r) => pubs.push(r), session: () => {} })
  for (const p of pubs.filter((x) => x.kind === 'telemetry')) {
    const rel = (p.reading?.sampledAt ?? 0) - plan.startAt
    const inside = rel >= 3_600_000 && rel < 5_400_000
    assert.equal(p.reading?.metrics.temperature === -127, inside, `at ${rel}`)
  }
})
