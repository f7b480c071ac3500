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
    const want = records.map((r) => `${r.topic} ${r.payload}`).sort()
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
