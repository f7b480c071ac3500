// The --out byte stream of fixed seeds, pinned by SHA-256. Recorded before the --out hot path was
// restructured for throughput (issue 3), so any change to the model, the encoders or the NDJSON
// writer that alters a single byte fails here. A deliberate model change must re-record these
// hashes and say why in its review.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import { runOffline } from '../../../device-sim/engine/run-offline.ts'

const fleet = join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'golden-fleet.json')
const dir = mkdtempSync(join(tmpdir(), 'sim-golden-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function digest(name: string, over: Record<string, unknown>): { sha256: string; lines: number } {
  const file = join(dir, `${name}.ndjson`)
  runOffline(planFleet(Value.Default(SimConfigSchema, Value.Clone({ ...over, out: file })) as SimConfig), file)
  const bytes = readFileSync(file)
  let lines = 0
  for (const b of bytes) if (b === 10) lines++
  return { sha256: createHash('sha256').update(bytes).digest('hex'), lines }
}

const cases: { name: string; cfg: Record<string, unknown>; sha256: string; lines: number }[] = [
  {
    // every profile × dialect, mains/battery/deep-sleep, QoS 0/1, every scripted event type
    name: 'mixed fleet, 1 h',
    cfg: { fleet, duration: '1h', seed: 7 },
    sha256: 'd4059d6e1efa817a990b748462f6196a5a6f8f78773bb165a1676462331f134c',
    lines: 25205,
  },
  {
    name: 'mixed fleet with every chaos option, 1 h',
    cfg: { fleet, duration: '1h', seed: 11, chaos: { duplicate: 0.05, reorder: 0.05, malformed: 0.02, clockSkew: '30s', disconnectsPerHour: 3, outageAt: '20m', outageFor: '3m' } },
    sha256: '87a1de128fa09912f99ab91ede924dc99f23a6501d0ca5546ecd202468bc58e1',
    lines: 22887,
  },
  {
    name: 'DHT22 deep sleep on a small cell, 20 d',
    cfg: { profile: 'dht22', devices: 3, interval: '10m', duration: '20d', power: 'deep-sleep', batteryMah: 300, seed: 5, dialect: 'native', qos: 1 },
    sha256: '7c44fd827a641fd14a8cd945258fd60fb6376f60dc48ca29b1a2976a8952ddff',
    lines: 15775,
  },
  {
    name: 'DS18B20 outdoors in Tasmota, 30 d',
    cfg: { profile: 'ds18b20', devices: 4, interval: '5m', duration: '30d', seed: 9, siteKind: 'outdoor', dialect: 'tasmota' },
    sha256: '8409194199724337c80fb2b9c5957e346de3146d6336e1c3a48ac099beb21c7c',
    lines: 35491,
  },
]

for (const c of cases) {
  test(`golden --out stream: ${c.name}`, () => {
    assert.deepEqual(digest(c.name.replace(/\W+/g, '-'), c.cfg), { sha256: c.sha256, lines: c.lines })
  })
}
