// The pipeline counters path end to end: PipelineTally + startCounterWriter (what gateway and
// processor will run) write to the real Cassandra; GET /api/pipeline sums instances per device.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { PipelineTally, rejectedCounter, startCounterWriter, UNKNOWN_DEVICE } from '../../contracts/pipeline-counters.ts'
import { apiFixture, type ApiFixture } from './helpers/api-fixture.ts'

let f: ApiFixture
before(async () => {
  f = await apiFixture()
})
after(async () => f?.close())

test('flushes are idempotent, restarts add instances, the API sums and balances them', async () => {
  const gw1 = new PipelineTally()
  const w1 = startCounterWriter(f.client, gw1, { component: 'gateway', instance: 'gw-run-1', intervalMs: 60_000 })
  gw1.inc('d1', 'received', 10)
  gw1.inc('d1', 'accepted', 7)
  gw1.inc('d1', rejectedCounter('SCHEMA'), 1)
  gw1.inc('d1', 'spooled', 2)
  gw1.inc(UNKNOWN_DEVICE, 'received', 1)
  gw1.inc(UNKNOWN_DEVICE, rejectedCounter('BAD_TOPIC'), 1)
  await w1.flush()
  await w1.flush() // nothing dirty: writes nothing, changes nothing
  gw1.inc('d1', 'received', 1)
  gw1.inc('d1', 'accepted', 1)
  await w1.close()

  // The gateway restarts: a new instance replays the spool and takes more.
  const gw2 = new PipelineTally()
  const w2 = startCounterWriter(f.client, gw2, { component: 'gateway', intervalMs: 60_000 })
  assert.match(w2.instance, /-\d+-\d+$/)
  gw2.inc('d1', 'replayed', 2)
  gw2.inc('d2', 'received', 5)
  gw2.inc('d2', 'accepted', 4)
  await w2.close()

  const proc = new PipelineTally()
  const w3 = startCounterWriter(f.client, proc, { component: 'processor', instance: 'proc-1', intervalMs: 60_000 })
  proc.inc('d1', 'consumed', 11)
  proc.inc('d1', 'duplicates', 1)
  proc.inc('d1', 'stored_raw', 8)
  proc.inc('d1', 'windowed', 7)
  proc.inc('d1', 'invalid', 1)
  proc.inc('d1', 'dead_lettered', 1)
  proc.inc('d2', 'stored_raw', 4)
  proc.inc('d2', 'windowed', 2)
  await w3.close()

  const r = await f.app.inject('/api/pipeline')
  assert.equal(r.statusCode, 200, r.body)
  const body = r.json()
  assert.deepEqual(body.instances.map((i: { instance: string }) => i.instance).sort(), ['gw-run-1', w2.instance, 'proc-1'].sort())
  const d1 = body.devices.find((d: { deviceId: string }) => d.deviceId === 'd1')
  assert.deepEqual(d1.gateway, { received: 11, accepted: 8, rejected: { SCHEMA: 1 }, rejectedTotal: 1, spooled: 2, replayed: 2, inSpool: 0, unaccounted: 0 })
  assert.deepEqual(d1.flow, { toKafka: 10, notYetStored: 0, notYetWindowed: 0 })
  const d2 = body.devices.find((d: { deviceId: string }) => d.deviceId === 'd2')
  assert.deepEqual([d2.gateway.unaccounted, d2.flow.notYetStored, d2.flow.notYetWindowed], [1, 0, 2])
  assert.equal(body.total.gateway.received, 17)
  assert.deepEqual(body.total.gateway.rejected, { SCHEMA: 1, BAD_TOPIC: 1 })
  assert.equal(body.total.processor.storedRaw, 12)
  assert.equal(body.total.processor.deadLettered, 1)
  assert.equal(d1.processor.deadLettered, 1)
  assert.equal(body.total.gateway.unaccounted, 1)

  const only = (await f.app.inject('/api/pipeline?deviceId=d2')).json()
  assert.deepEqual(only.devices.map((d: { deviceId: string }) => d.deviceId), ['d2'])
  assert.equal(only.total.gateway.received, 17, 'the total stays the fleet total')
  assert.equal((await f.app.inject('/api/pipeline?deviceId=no%20spaces')).statusCode, 400)
})

test('a failed flush keeps its rows for the next one', async () => {
  const tally = new PipelineTally()
  tally.inc('d9', 'received', 3)
  let calls = 0
  const flaky = new Proxy(f.client, {
    get(target, prop, recv) {
      if (prop === 'batch') {
        return (...args: unknown[]) => (++calls === 1 ? Promise.reject(new Error('write timeout')) : (target.batch as (...a: unknown[]) => unknown).apply(target, args))
      }
      const v = Reflect.get(target, prop, recv)
      return typeof v === 'function' ? v.bind(target) : v
    },
  })
  const w = startCounterWriter(flaky, tally, { component: 'gateway', instance: 'flaky', intervalMs: 60_000 })
  await assert.rejects(w.flush(), /write timeout/)
  await w.close()
  const rows = await f.client.execute("SELECT value FROM pipeline_counters WHERE component = 'gateway' AND instance = 'flaky'")
  assert.equal(Number(rows.rows[0]?.get('value')), 3)
})
