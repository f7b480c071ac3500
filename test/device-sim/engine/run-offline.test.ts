import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import { runOffline } from '../../../device-sim/engine/run-offline.ts'

const dir = mkdtempSync(join(tmpdir(), 'sim-out-'))
let n = 0
function run(over: Record<string, unknown>): { text: string; lines: Record<string, any>[] } {
  const file = join(dir, `${n++}.ndjson`)
  const cfg = Value.Default(SimConfigSchema, { out: file, ...over }) as SimConfig
  runOffline(planFleet(cfg), file)
  const text = readFileSync(file, 'utf8')
  return { text, lines: text.trim().split('\n').map((l) => JSON.parse(l)) }
}

const fleet = { profile: 'dht22', devices: 20, interval: '10s', duration: '1h', seed: 42, qos: 1, dialect: 'native' }

test('the same seed gives a byte-identical NDJSON file', () => {
  const a = run(fleet)
  const b = run(fleet)
  assert.ok(a.lines.length > 5000)
  assert.equal(a.text, b.text)
})

test('another seed gives different readings', () => {
  assert.notEqual(run(fleet).text, run({ ...fleet, seed: 43 }).text)
})

test('every line has the documented keys in order and payload matches the decoded reading', () => {
  const { lines } = run({ ...fleet, duration: '20m' })
  for (const l of lines) {
    assert.deepEqual(Object.keys(l), ['publishedAt', 'deviceId', 'kind', 'topic', 'qos', 'retain', 'payload', 'reading', 'chaos'])
    if (l.kind !== 'telemetry') continue
    const p = JSON.parse(l.payload)
    assert.equal(p.seq, l.reading.seq)
    assert.equal(p.ts, l.reading.eventTime)
    for (const [k, v] of Object.entries(l.reading.metrics)) assert.equal(p[k], v)
  }
})

test('seq increases by one per device within a boot, and boot only increases', () => {
  const { lines } = run({ ...fleet, duration: '20d', interval: '10m', devices: 10 })
  const last = new Map<string, { boot: number; seq: number }>()
  let reboots = 0
  for (const l of lines.filter((x) => x.kind === 'telemetry')) {
    const prev = last.get(l.deviceId)
    const { boot, seq } = l.reading
    if (prev && boot === prev.boot) assert.ok(seq === prev.seq + 1 || seq > prev.seq, `${l.deviceId} ${prev.seq} → ${seq}`)
    if (prev && boot !== prev.boot) {
      assert.ok(boot > prev.boot)
      assert.equal(seq, 1)
      reboots++
    }
    last.set(l.deviceId, { boot, seq })
  }
  assert.ok(reboots > 0, 'a month of ten devices should see a reboot')
})

test('the first reading of a boot carries a 1970 timestamp until NTP syncs', () => {
  const { lines } = run(fleet)
  const t = lines.filter((x) => x.kind === 'telemetry')
  const firstPerDevice = new Map<string, number>()
  for (const l of t) if (!firstPerDevice.has(l.deviceId)) firstPerDevice.set(l.deviceId, l.reading.eventTime)
  for (const v of firstPerDevice.values()) assert.ok(v < 86_400_000, `first eventTime ${v}`)
  const later = t.slice(-20)
  for (const l of later) assert.ok(Math.abs(l.reading.eventTime - l.reading.sampledAt) < 60_000)
})

test('chaos options alter transport but not the readings themselves', () => {
  const plain = run(fleet).lines.filter((l) => l.kind === 'telemetry' && l.chaos === null)
  const noisy = run({ ...fleet, chaos: { duplicate: 0.05, reorder: 0.05, malformed: 0.05 } }).lines
  const tags = new Set(noisy.map((l) => l.chaos))
  for (const t of ['duplicate', 'reordered', 'malformed']) assert.ok(tags.has(t), t)
  const key = (l: Record<string, any>) => `${l.deviceId}/${l.reading.boot}/${l.reading.seq}`
  const byKey = new Map(plain.map((l) => [key(l), JSON.stringify(l.reading)]))
  for (const l of noisy.filter((x) => x.kind === 'telemetry')) {
    const ref = byKey.get(key(l))
    if (ref !== undefined) assert.equal(JSON.stringify(l.reading), ref)
  }
})

test('esp-mqtt outbox: after an outage longer than 30 s, readings older than 30 s are lost', () => {
  const { lines } = run({ ...fleet, devices: 5, interval: '5s', duration: '10m', chaos: { outageAt: '3m', outageFor: '2m' } })
  const during = lines.filter((l) => l.kind === 'telemetry' && l.reading.sampledAt - l.publishedAt < 0)
  for (const l of during) assert.ok(l.publishedAt - l.reading.sampledAt <= 30_000, 'nothing older than 30 s is delivered')
  assert.ok(during.length > 0, 'some queued readings are delivered late')
})

test('the hand-built NDJSON line equals JSON.stringify of the same record, for every dialect and chaos', async () => {
  const { toNdjsonLine, toNdjsonLineReference } = await import('../../../device-sim/engine/publish-record.ts')
  for (const dialect of ['native', 'tasmota', 'esphome']) {
    const { lines } = run({ ...fleet, dialect, duration: '30m', power: 'battery', chaos: { malformed: 0.1, duplicate: 0.1 } })
    for (const l of lines) assert.equal(toNdjsonLine(l as never), toNdjsonLineReference(l as never))
  }
})

test('the fleet file example in device-sim/README.md is valid and runs', async () => {
  const { parseFleet } = await import('../../../device-sim/engine/fleet-file.ts')
  const readme = readFileSync(join(import.meta.dirname, '../../../device-sim/README.md'), 'utf8')
  const block = /## Fleet file\s+```json\n([\s\S]*?)```/.exec(readme)?.[1]
  assert.ok(block, 'README has a fleet example')
  const file = join(dir, 'readme-fleet.json')
  const { writeFileSync } = await import('node:fs')
  writeFileSync(file, block)
  parseFleet(JSON.parse(block), file)
  const { lines } = run({ fleet: file, duration: '3h' })
  const unplugged = lines.filter((l) => l.kind === 'telemetry' && l.reading.fault === 'unplugged')
  assert.ok(unplugged.length >= 35, `20 min at 30 s: ${unplugged.length}`)
  for (const l of unplugged) {
    assert.equal(l.deviceId, 'sim-ds18b20-00003')
    assert.equal(l.payload, '-127')
  }
})
