import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { configLeaves } from '../../../config/load-config.ts'
import { runCli } from '../../../device-sim/cli/run-cli.ts'
import { SimConfigSchema } from '../../../device-sim/config.ts'
import { freePort } from '../../../local-stack/preflight.ts'

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = ''
  let err = ''
  const code = await runCli(argv, { stdout: (s) => (out += s), stderr: (s) => (err += s), env: {} })
  return { code, out, err }
}

const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'))

test('--help documents every flag', async () => {
  const r = await cli('--help')
  assert.equal(r.code, 0)
  for (const leaf of configLeaves(SimConfigSchema)) assert.ok(r.out.includes(leaf.flag), leaf.flag)
})

test('wrong arguments: SIM_ERR_INVALID_ARGS, exit 2', async () => {
  for (const argv of [['--devices', 'many'], ['--bogus'], ['--qos', '2'], ['--interval', 'fast', '--out', join(dir, 'x')], ['--client', 'pubsubclient', '--qos', '1', '--out', join(dir, 'x')]]) {
    const r = await cli(...argv)
    assert.equal(r.code, 2, argv.join(' '))
    assert.match(r.err, /^SIM_ERR_INVALID_ARGS/, argv.join(' '))
  }
})

test('unknown profile: SIM_ERR_UNKNOWN_PROFILE, exit 2', async () => {
  const r = await cli('--profile', 'dht99', '--out', join(dir, 'x'))
  assert.equal(r.code, 2)
  assert.match(r.err, /^SIM_ERR_UNKNOWN_PROFILE.*dht99/)
})

test('invalid profile file: SIM_ERR_INVALID_PROFILE naming file and field, exit 2', async () => {
  const file = join(dir, 'bad.json')
  writeFileSync(file, JSON.stringify({ id: 'bad', name: 'x' }))
  const r = await cli('--profile', file, '--out', join(dir, 'x'))
  assert.equal(r.code, 2)
  assert.match(r.err, /SIM_ERR_INVALID_PROFILE/)
  assert.ok(r.err.includes(`${file} /channels`))
})

test('interval below the sensor minimum: SIM_ERR_INTERVAL_TOO_SHORT, exit 2', async () => {
  const r = await cli('--profile', 'dht22', '--interval', '1s', '--out', join(dir, 'x'))
  assert.equal(r.code, 2)
  assert.match(r.err, /^SIM_ERR_INTERVAL_TOO_SHORT.*2000 ms/)
})

test('unreachable broker: SIM_ERR_BROKER_UNREACHABLE, exit 3', async () => {
  const port = await freePort()
  const r = await cli('--url', `mqtt://127.0.0.1:${port}`, '--connect-timeout', '2s', '--duration', '5s')
  assert.equal(r.code, 3)
  assert.match(r.err, /^SIM_ERR_BROKER_UNREACHABLE/)
})

test('a fleet file mixes profiles, dialects and sites; its errors name the field', async () => {
  const fleet = join(dir, 'fleet.json')
  writeFileSync(
    fleet,
    JSON.stringify({
      sites: [{ id: 'lab', kind: 'indoor' }, { id: 'roof', kind: 'outdoor' }],
      groups: [
        { profile: 'bme280', count: 3, site: 'lab', dialect: 'native', qos: 1 },
        { profile: 'dht22', count: 2, site: 'roof', dialect: 'tasmota' },
        { profile: 'ds18b20', count: 2, site: 'roof', dialect: 'esphome', power: 'deep-sleep', interval: '5m' },
      ],
      events: [{ type: 'door-open', site: 'lab', at: '10m', duration: '10m' }],
    }),
  )
  const out = join(dir, 'fleet.ndjson')
  const r = await cli('--fleet', fleet, '--duration', '1h', '--out', out)
  assert.equal(r.code, 0, r.err)
  const summary = JSON.parse(r.out)
  assert.equal(summary.totals.devices, 7)
  const lines = readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l))
  const dialects = new Set(lines.filter((l) => l.reading).map((l) => `${l.reading.sensor}/${l.reading.dialect}`))
  assert.deepEqual([...dialects].sort(), ['bme280/native', 'dht22/tasmota', 'ds18b20/esphome'])

  writeFileSync(fleet, JSON.stringify({ groups: [{ profile: 'bme280', count: 0, site: 'nowhere' }] }))
  const bad = await cli('--fleet', fleet, '--out', out)
  assert.equal(bad.code, 2)
  assert.match(bad.err, /^SIM_ERR_INVALID_FLEET/)
  assert.ok(bad.err.includes('/groups/0/count'))
})
