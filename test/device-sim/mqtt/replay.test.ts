import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { SimConfigSchema, type SimConfig } from '../../../device-sim/config.ts'
import { planFleet } from '../../../device-sim/engine/fleet-plan.ts'
import { runOffline } from '../../../device-sim/engine/run-offline.ts'
import { readRecording, replay } from '../../../device-sim/mqtt/replay.ts'
import { SimError } from '../../../device-sim/errors.ts'
import { record, startAedes } from './broker-harness.ts'

test('--replay publishes a recorded stream; every record reaches the broker unchanged', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'rec.ndjson')
  const cfg = Value.Default(SimConfigSchema, { out: file, profile: 'sht31', devices: 5, interval: '10s', duration: '5m', qos: 1, dialect: 'esphome', password: 'pw' }) as SimConfig
  runOffline(planFleet(cfg), file)
  const records = readRecording(file)
  const broker = await startAedes('pw')
  try {
    const rec = await record(broker.url, 'recorder', 'pw')
    const counters = await replay(records, { url: broker.url, username: '', password: 'pw', connectTimeoutMs: 5000, speed: 300, maxConnecting: 10 }, 1, 5000)
    await new Promise((r) => setTimeout(r, 200))
    await rec.close()
    assert.equal(counters.acknowledged, records.length)
    const got = rec.messages.map((m) => `${m.topic} ${m.payload}`).sort()
    const want = records.flatMap((r) => (r.kind === 'session' ? [] : [`${r.topic} ${r.payload}`])).sort()
    assert.deepEqual(got, want)
  } finally {
    await broker.close()
  }
})

test('a replay file that is not the --out format is SIM_ERR_INVALID_REPLAY with its line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'bad.ndjson')
  writeFileSync(file, '{"deviceId":"a","topic":"t","payload":"1","publishedAt":1,"qos":1}\n{"deviceId":"a"}\n')
  assert.throws(() => readRecording(file), (e: unknown) => e instanceof SimError && e.code === 'SIM_ERR_INVALID_REPLAY' && e.message.includes(':2:'))
})

test('--out-sessions records every session change, and --replay reproduces them: one Will per lost link, none for DISCONNECT', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'sessions.ndjson')
  // Wi-Fi drops (chaos) kill the socket; the deep sleepers DISCONNECT before each sleep
  const fleet = join(dir, 'fleet.json')
  writeFileSync(
    fleet,
    JSON.stringify({
      groups: [
        { profile: 'sht31', count: 3, dialect: 'native', qos: 1, interval: '10s' },
        { profile: 'bme280', count: 2, dialect: 'native', qos: 1, interval: '2m', power: 'deep-sleep' },
      ],
    }),
  )
  const cfg = Value.Default(SimConfigSchema, { out: file, fleet, duration: '6m', seed: 21, chaos: { disconnectsPerHour: 40 } }) as SimConfig
  runOffline(planFleet(cfg), file, undefined, { sessions: true })
  const records = readRecording(file)
  const sessions = records.filter((r) => r.kind === 'session')
  const lost = sessions.filter((s) => s.state === 'down' && !s.graceful)
  const disconnects = sessions.filter((s) => s.state === 'down' && s.graceful)
  const ups = sessions.filter((s) => s.state === 'up')
  // the seeded recording itself: exact counts, and each up is followed by the device's retained
  // `online` at the same instant
  assert.deepEqual({ ups: ups.length, lost: lost.length, disconnects: disconnects.length }, { ups: 17, lost: 8, disconnects: 6 })
  for (const u of ups) {
    const next = records[records.indexOf(u) + 1]
    assert.ok(next && next.kind === 'status' && next.deviceId === u.deviceId && next.publishedAt === u.publishedAt && next.payload === 'online')
  }
  const broker = await startAedes('pw')
  try {
    const rec = await record(broker.url, 'recorder', 'pw')
    // ×25: the shortest recorded reconnect (4 s) is 160 ms of wall time, room for a real CONNECT
    const counters = await replay(records, { url: broker.url, username: '', password: 'pw', connectTimeoutMs: 5000, speed: 25, maxConnecting: 10 }, 1, 5000)
    await new Promise((r) => setTimeout(r, 300))
    await rec.close()
    const wills = rec.messages.filter((m) => m.payload === 'offline')
    assert.equal(counters.connects, ups.length, 'one real connect per recorded up')
    assert.equal(wills.length, lost.length, 'one Will per recorded lost link, none for a DISCONNECT')
    assert.deepEqual(
      wills.map((w) => w.topic).sort(),
      lost.map((s) => `devices/${s.deviceId}/status`).sort(),
    )
  } finally {
    await broker.close()
  }
})

test('without --out-sessions the stream has no session lines (the default output is unchanged)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'plain.ndjson')
  const cfg = Value.Default(SimConfigSchema, { out: file, profile: 'sht31', devices: 2, duration: '10m', seed: 21, chaos: { disconnectsPerHour: 30 } }) as SimConfig
  runOffline(planFleet(cfg), file)
  assert.ok(readRecording(file).every((r) => r.kind !== 'session'))
})

test('a malformed session line is SIM_ERR_INVALID_REPLAY with its line', () => {
  const dir = mkdtempSync(join(tmpdir(), 'replay-'))
  const file = join(dir, 'bad-session.ndjson')
  writeFileSync(file, '{"publishedAt":1,"deviceId":"a","kind":"session","state":"up","graceful":true}\n{"publishedAt":2,"deviceId":"a","kind":"session","state":"sideways","graceful":true}\n')
  assert.throws(() => readRecording(file), (e: unknown) => e instanceof SimError && e.code === 'SIM_ERR_INVALID_REPLAY' && e.message.includes(':2:'))
})
