import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { listProfiles, loadProfile, parseProfile } from '../../firmware-profiles/load-profile.ts'
import type { Cited } from '../../firmware-profiles/profile-schema.ts'
import { SimError } from '../../device-sim/errors.ts'

// The datasheet facts the profiles cite, kept beside them so every clone (and CI) can check them.
const sensorsMd = join(import.meta.dirname, '../../firmware-profiles/sensors.md')

test('the four required profiles exist and validate', () => {
  const ids = listProfiles()
  for (const id of ['dht22', 'bme280', 'sht31', 'ds18b20']) assert.ok(ids.includes(id), id)
  for (const id of ids) assert.equal(loadProfile(id).id, id)
})

test('an unknown profile is SIM_ERR_UNKNOWN_PROFILE and lists the available ones', () => {
  assert.throws(() => loadProfile('bme999'), (e: unknown) => e instanceof SimError && e.code === 'SIM_ERR_UNKNOWN_PROFILE' && /dht22/.test(e.message))
})

test('schema errors name the file and the field', () => {
  const good = JSON.parse(readFileSync(join(import.meta.dirname, '../../firmware-profiles/dht22.json'), 'utf8'))
  good.channels[1].noiseSigma = { value: 'x', source: '§1.4 White noise σ' }
  delete good.minIntervalMs
  const dir = mkdtempSync(join(tmpdir(), 'profile-'))
  const file = join(dir, 'dht22.json')
  writeFileSync(file, JSON.stringify(good))
  assert.throws(
    () => loadProfile(file),
    (e: unknown) =>
      e instanceof SimError &&
      e.code === 'SIM_ERR_INVALID_PROFILE' &&
      e.details.some((d) => d.includes(file) && d.includes('/channels/1/noiseSigma/value')) &&
      e.details.some((d) => d.includes(file) && d.includes('/minIntervalMs')),
  )
})

test('semantic errors name the field too', () => {
  const p = JSON.parse(readFileSync(join(import.meta.dirname, '../../firmware-profiles/ds18b20.json'), 'utf8'))
  p.channels[0].min.value = 500
  p.failures[0].metric = 'humidity'
  assert.throws(
    () => parseProfile(p, 'x/ds18b20.json'),
    (e: unknown) => e instanceof SimError && e.details.some((d) => d.includes('/channels/0/min')) && e.details.some((d) => d.includes('/failures/0/metric')),
  )
})

test('invalid JSON is SIM_ERR_INVALID_PROFILE naming the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'profile-'))
  const file = join(dir, 'broken.json')
  writeFileSync(file, '{ "id": ')
  assert.throws(() => loadProfile(file), (e: unknown) => e instanceof SimError && e.code === 'SIM_ERR_INVALID_PROFILE' && e.message.includes(file))
})

function* citedValues(x: unknown, path: string): Generator<[string, Cited]> {
  if (x && typeof x === 'object') {
    const o = x as Record<string, unknown>
    if (typeof o.value === 'number' && typeof o.source === 'string') yield [path, o as unknown as Cited]
    else for (const [k, v] of Object.entries(o)) yield* citedValues(v, `${path}/${k}`)
  }
}

test('every cited number names a row of sensors.md, or says it is an estimate', () => {
  const md = readFileSync(sensorsMd, 'utf8')
  const lines = md.split('\n')
  const sectionOf = (i: number): string => {
    for (let k = i; k >= 0; k--) {
      const m = /^#{2,3} (\d+(?:\.\d+)?)\b/.exec(lines[k] as string)
      if (m) return m[1] as string
    }
    return ''
  }
  const missing: string[] = []
  for (const id of listProfiles()) {
    for (const [path, c] of citedValues(loadProfile(id), id)) {
      if (c.source.startsWith('estimate:')) {
        assert.equal(c.estimate, true, `${path}: an "estimate:" source must set estimate: true`)
        continue
      }
      const m = /^§(\d+(?:\.\d+)?) (.+)$/.exec(c.source)
      assert.ok(m, `${path}: source "${c.source}" is neither "§<section> <row>" nor "estimate: …"`)
      const [, section, rest] = m
      // "<row> / <column>" cites a cell; a trailing "(…)" is a note, unless it is part of the row
      const row = (rest as string).split(' / ')[0] as string
      const candidates = [row, row.replace(/ \([^()]*\)$/, '')]
      const found = lines.some(
        (l, i) => candidates.some((r) => l.startsWith(`| ${r}`) || l.startsWith(`- ${r}`) || l.startsWith(`- **${r}`)) && sectionOf(i).startsWith(section as string),
      )
      if (!found) missing.push(`${path}: no row "${row}" in sensors.md §${section}`)
    }
  }
  assert.deepEqual(missing, [])
})
