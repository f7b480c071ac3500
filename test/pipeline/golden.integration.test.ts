// End-to-end golden test: seeded simulator → gateway → Kafka → processor → Cassandra → API.
// The simulator writes the exact stream (--out NDJSON, fixed --seed, a mixed fleet: BME280 native,
// DHT22 Tasmota, DS18B20 ESPHome, QoS 1), then publishes that very file to a real gateway process
// (--replay: the recorded payloads, unlike live mode whose stream depends on wall-clock pacing).
// An independent oracle decodes the NDJSON itself and computes every 2 s window (count, min, max
// exact; mean and population stddev within 1e-9); the test compares it with
// GET /api/devices/:id/windows and checks that GET /api/pipeline balances exactly.
//
// Event times. The simulated start is chosen so the first recorded publish falls on the wall
// clock when the replay begins (speed 1): device clocks then read the wall clock, like a live fleet.
// A start minutes back would still be exact under the processor's event-time idle advance, but
// the gateway stamps wall-clock times on ESPHome readings and on readings sent before a device's
// first NTP sync; in a partition shared with a device whose clock reads minutes back, those would
// push the watermark ahead and make the other device's readings late. With start ≈ wall clock, the
// allowed lateness (4 s) covers the replay's scheduling jitter, and the test asserts late = 0.
// Those gateway-stamped times cannot come from the NDJSON: the oracle takes them from readings_raw
// (matched by the device's seq for native, by arrival order for gateway-numbered dialects) and
// checks that the gateway classified each reading's time source as the oracle expects; values and
// the windows are still computed from the NDJSON.
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { RAW_READING_COLUMNS, storedRawReading } from '../../api/store/raw-reading-row.ts'
import { runCli } from '../../device-sim/cli/run-cli.ts'
import { oracleReadings, oracleWindows, parseNdjson, windowKey, type OracleReading } from './helpers/golden-oracle.ts'
import { eventually, startPipeline, type PipelineStack } from './helpers/pipeline-stack.ts'

const SIZE_MS = 2_000
const SEED = 20261122
const TASMOTA_OFFSET_MIN = 60 // the simulated site's UTC offset (device-sim site default), told to the gateway
const fleet = {
  sites: [{ id: 'lab', kind: 'indoor', setpointC: 21, utcOffsetMinutes: TASMOTA_OFFSET_MIN }],
  groups: [
    { profile: 'bme280', count: 2, site: 'lab', dialect: 'native', qos: 1, interval: '1s' },
    { profile: 'dht22', count: 1, site: 'lab', dialect: 'tasmota', qos: 1, interval: '2s' },
    { profile: 'ds18b20', count: 1, site: 'lab', dialect: 'esphome', qos: 1, interval: '1s' },
  ],
}

let s: PipelineStack
const dir = mkdtempSync(join(tmpdir(), 'golden-'))
before(async () => {
  s = await startPipeline({
    windowSizesMs: [SIZE_MS],
    allowedLatenessMs: 4_000,
    idleTimeoutMs: 2_000,
    partitions: 3,
    gatewayArgs: [`--time-tasmota-utc-offset-min=${TASMOTA_OFFSET_MIN}`],
  })
})
after(async () => {
  await s?.destroy()
  rmSync(dir, { recursive: true, force: true })
})

async function sim(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = ''
  let stderr = ''
  const code = await runCli(argv, { stdout: (x) => void (stdout += x), stderr: (x) => void (stderr += x), env: {} })
  return { code, stdout, stderr }
}

const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b))

test('golden: the API windows equal the oracle from the NDJSON and /api/pipeline balances exactly', { timeout: 120_000 }, async () => {
  const fleetFile = join(dir, 'fleet.json')
  writeFileSync(fleetFile, JSON.stringify(fleet))
  const file = join(dir, 'stream.ndjson')
  const out = async (start: number): Promise<string> => {
    const r = await sim(['--fleet', fleetFile, '--duration', '20s', '--seed', String(SEED), '--id-prefix', 'gold', '--start', new Date(start).toISOString(), '--out', file, '--progress', 'off'])
    assert.equal(r.code, 0, r.stderr)
    return readFileSync(file, 'utf8')
  }
  // The first publish comes a boot delay after the start (seeded): measure it, then start so that
  // it falls on the wall clock as the replay begins.
  const probeStart = Date.now()
  const firstOffset = (parseNdjson(await out(probeStart)).find((l) => l.kind === 'telemetry' || l.kind === 'status')?.publishedAt as number) - probeStart
  const start = Date.now() + 300 - firstOffset
  const lines = parseNdjson(await out(start))
  const again = await out(start)
  assert.equal(again, readFileSync(file, 'utf8'), 'the same seed and start give a byte-identical stream')

  const replayStarted = Date.now()
  const rep = await sim(['--replay', file, '--url', `mqtt://127.0.0.1:${s.gateway.mqttPort}`, '--speed', '1', '--seed', String(SEED), '--progress', 'off'])
  assert.equal(rep.code, 0, rep.stderr)
  const summary = JSON.parse(rep.stdout.slice(rep.stdout.indexOf('{'))) as { transport: { published: number; acknowledged: number } }
  assert.equal(summary.transport.acknowledged, summary.transport.published, 'every QoS 1 publish acknowledged')
  assert.equal(summary.transport.published, lines.filter((l) => l.kind === 'telemetry' || l.kind === 'status').length)
  const replayMs = Date.now() - replayStarted

  const oracle = oracleReadings(lines, TASMOTA_OFFSET_MIN, Date.now() + 300_000)
  const devices = [...new Set(lines.map((l) => l.deviceId))].sort()
  const telemetry = lines.filter((l) => l.kind === 'telemetry')
  assert.equal(devices.length, 4)
  assert.ok(oracle.readings.length >= 50, `enough readings (${oracle.readings.length})`)
  assert.deepEqual(new Set(oracle.readings.map((r) => r.dialect)), new Set(['native', 'tasmota', 'esphome']))

  // 1. The account balances and every reading is windowed (windows closed by the idle advance).
  const expectedAccepted = oracle.readings.length
  let last: PipelineReport | undefined
  const pipeline: PipelineReport = await eventually(
    'every reading stored, windowed and flushed',
    45_000,
    async () => {
      last = await s.get<PipelineReport>('/api/pipeline')
      const t = last.total
      return t.gateway.accepted === expectedAccepted && t.processor.windowed === expectedAccepted ? last : undefined
    },
    () => last?.total,
  )
  const rejectedTotal = [...oracle.rejected.values()].reduce((a, b) => a + b, 0)
  assert.deepEqual(pipeline.total.flow, { toKafka: expectedAccepted, notYetStored: 0, notYetWindowed: 0 })
  assert.equal(pipeline.total.gateway.unaccounted, 0)
  assert.equal(pipeline.total.gateway.received, telemetry.length - oracle.readFailures)
  assert.equal(pipeline.total.gateway.rejectedTotal, rejectedTotal)
  assert.equal(pipeline.total.processor.duplicates, 0)
  assert.equal(pipeline.total.processor.late, 0, 'start ≈ wall clock: no reading arrives after its window closed')
  for (const id of devices) {
    const d = pipeline.devices.find((x) => x.deviceId === id)
    const n = oracle.readings.filter((r) => r.deviceId === id).length
    assert.ok(d, `${id} in /api/pipeline`)
    assert.deepEqual([d.gateway.received, d.gateway.accepted, d.processor.storedRaw, d.processor.windowed], [oracle.received.get(id) ?? 0, n, n, n], id)
  }

  // 2. Event times: from the payload where the device carried a synced time, else the gateway's.
  const eventTimes = await resolveEventTimes(oracle.readings, start)
  const expected = oracleWindows(eventTimes, SIZE_MS)

  // 3. Every window the API returns equals the oracle's, and none is missing.
  const from = new Date(Math.floor((start - 60_000) / SIZE_MS) * SIZE_MS).toISOString()
  const to = new Date(Date.now() + 60_000).toISOString()
  const got = new Map<string, WindowRow>()
  for (const id of devices) {
    const page = await s.get<{ items: WindowRow[]; next: string | null }>(`/api/devices/${id}/windows?size=2s&from=${from}&to=${to}`)
    assert.equal(page.next, null)
    for (const w of page.items) if ((w.count ?? 0) > 0) got.set(windowKey(id, w.metric, Date.parse(w.windowStart)), w)
  }
  assert.deepEqual([...got.keys()].sort(), [...expected.keys()].sort(), 'same set of (device, metric, window)')
  for (const [k, e] of expected) {
    const g = got.get(k) as WindowRow
    assert.equal(g.count, e.count, `${k} count`)
    assert.equal(g.min, e.min, `${k} min`)
    assert.equal(g.max, e.max, `${k} max`)
    assert.ok(close(g.mean as number, e.mean), `${k} mean ${g.mean} vs ${e.mean}`)
    assert.ok(close(g.stddev as number, e.stddev), `${k} stddev ${g.stddev} vs ${e.stddev}`)
  }
  // Figures for the report (printed, not asserted: timing is not a test's business).
  console.log(JSON.stringify({ readings: expectedAccepted, windows: expected.size, replayMs, fromDeviceTime: eventTimes.filter((r) => r.fromDevice).length, sim: summary.transport }))
})

interface PipelineReport {
  total: { gateway: { received: number; accepted: number; rejectedTotal: number; unaccounted: number }; processor: { duplicates: number; storedRaw: number; windowed: number; late: number }; flow: { toKafka: number; notYetStored: number; notYetWindowed: number } }
  devices: Array<{ deviceId: string; gateway: { received: number; accepted: number }; processor: { storedRaw: number; windowed: number } }>
}
interface WindowRow {
  windowStart: string
  metric: string
  count: number | null
  min: number | null
  max: number | null
  mean: number | null
  stddev: number | null
}

/**
 * Pairs each oracle reading with its readings_raw row: native by the device's (boot, seq), the
 * gateway-numbered dialects by arrival order (one connection per device, QoS 1, in order). Checks
 * the stored values and time source, and returns the event time: the payload's when the device
 * sent a usable time, the gateway's (read back) otherwise.
 */
async function resolveEventTimes(readings: OracleReading[], start: number): Promise<Array<{ deviceId: string; eventTime: number; metrics: Record<string, number>; fromDevice: boolean }>> {
  const days = [...new Set([start - 86_400_000, start, Date.now()].map((t) => new Date(t).toISOString().slice(0, 10)))]
  const out: Array<{ deviceId: string; eventTime: number; metrics: Record<string, number>; fromDevice: boolean }> = []
  for (const id of [...new Set(readings.map((r) => r.deviceId))]) {
    const rows: Array<{ eventTime: number; boot: number; seq: number; timeSource: string; metrics: Record<string, number> }> = []
    for (const day of days) {
      const rs = await s.client.execute(`SELECT ${RAW_READING_COLUMNS} FROM readings_raw WHERE device_id = ? AND day = ?`, [id, day], { prepare: true })
      for (const r of rs.rows.map(storedRawReading)) rows.push({ eventTime: r.eventTime, boot: r.boot, seq: r.seq, timeSource: r.timeSource as string, metrics: r.metrics })
    }
    const mine = readings.filter((r) => r.deviceId === id)
    assert.equal(rows.length, mine.length, `${id}: one raw row per oracle reading`)
    const byArrival = [...rows].sort((a, b) => a.boot - b.boot || a.seq - b.seq)
    mine.forEach((r, i) => {
      const row = r.seq !== undefined ? rows.find((x) => x.boot === r.boot && x.seq === r.seq) : byArrival[i]
      assert.ok(row, `${id} reading ${i} stored`)
      assert.deepEqual(row.metrics, r.metrics, `${id} reading ${i} values`)
      const fromDevice = r.deviceTime !== undefined
      assert.equal(row.timeSource === 'device', fromDevice, `${id} reading ${i}: time source ${row.timeSource}`)
      if (fromDevice) assert.equal(row.eventTime, r.deviceTime, `${id} reading ${i} event time`)
      out.push({ deviceId: id, eventTime: fromDevice ? (r.deviceTime as number) : row.eventTime, metrics: r.metrics, fromDevice })
    })
  }
  return out
}
