// Per-device pipeline counters end to end (issue 7): a real gateway process and the processor
// flush their counts into the real Cassandra, and GET /api/pipeline (api/app.ts, same keyspace)
// shows exactly where each publish went — good, rejected (malformed JSON, impossible value),
// resent (a duplicate the processor drops) — with nothing unaccounted, not yet stored or not yet
// windowed once the 2 s windows have closed. Then the gateway stops: its counts stay.
import assert from 'node:assert/strict'
import { after, before, test } from 'node:test'
import { connectRaw, publishPacket, type RawClient } from '../gateway/helpers/raw-client.ts'
import { eventually, startPipeline, type PipelineStack } from './helpers/pipeline-stack.ts'

interface Account {
  deviceId: string
  gateway: { received: number; accepted: number; rejected: Record<string, number>; rejectedTotal: number; spooled: number; replayed: number; inSpool: number; unaccounted: number }
  processor: { consumed: number; duplicates: number; storedRaw: number; invalid: number; windowed: number; late: number; deadLettered: number }
  flow: { toKafka: number; notYetStored: number; notYetWindowed: number }
}
interface Report {
  instances: Array<{ component: string; instance: string }>
  total: Omit<Account, 'deviceId'>
  devices: Account[]
}

let s: PipelineStack
before(async () => {
  s = await startPipeline({ windowSizesMs: [2_000], allowedLatenessMs: 500, idleTimeoutMs: 1_000, partitions: 3 })
})
after(async () => s?.destroy())

async function session(id: string): Promise<{ c: RawClient; pub(topic: string, payload: string): Promise<void> }> {
  const { c, returnCode } = await connectRaw(s.gateway.mqttPort, { clientId: id, username: id })
  assert.equal(returnCode, 0, `${id} connects (anonymous mode)`)
  let mid = 1
  return {
    c,
    pub: async (topic, payload) => {
      c.send(publishPacket(topic, payload, 1, mid++))
      assert.ok(await c.next('puback', 10_000), `PUBACK for ${topic} ${payload}`)
    },
  }
}

test('good, rejected and duplicate publishes: GET /api/pipeline shows exact per-device numbers and balances', { timeout: 90_000 }, async () => {
  const t0 = Date.now() - 3_000
  const native = await session('pc-native')
  const reading = (seq: number): string => JSON.stringify({ seq, boot: 1, ts: t0 + seq * 200, sensor: 'bme280', temperature: 20 + seq / 10, humidity: 40 })
  for (const seq of [1, 2, 3, 4]) await native.pub('devices/pc-native/telemetry', reading(seq))
  await native.pub('devices/pc-native/telemetry', reading(2)) // resend: the gateway cannot know, the processor drops it
  await native.pub('devices/pc-native/telemetry', '{"seq":5,"sensor":"bme280","temperature":') // malformed JSON
  await native.pub('devices/pc-native/telemetry', JSON.stringify({ seq: 6, boot: 1, ts: t0, sensor: 'bme280', temperature: 500 })) // impossible
  native.c.destroy()

  const tas = await session('pc-tasmota')
  const time = new Date(t0).toISOString().slice(0, 19)
  await tas.pub('tele/pc-tasmota/SENSOR', JSON.stringify({ Time: time, AM2301: { Temperature: 18.5, Humidity: 55 }, TempUnit: 'C' }))
  await tas.pub('tele/pc-tasmota/SENSOR', JSON.stringify({ Time: time, AM2301: { Temperature: 18.6, Humidity: 56 }, TempUnit: 'C' }))
  tas.c.destroy()

  const esp = await session('pc-esphome')
  await esp.pub('pc-esphome/sensor/temperature/state', '21.5')
  await esp.pub('pc-esphome/sensor/temperature/state', 'nan') // a read failure: counted in /metrics, not a reading
  await esp.pub('pc-esphome/sensor/temperature/state', '21.75')
  esp.c.destroy()

  let last: Report | undefined
  const report = await eventually(
    'every reading windowed and every count flushed',
    45_000,
    async () => {
      last = await s.get<Report>('/api/pipeline')
      const t = last.total
      return t.gateway.received === 11 && t.processor.windowed === 8 && t.processor.consumed === 9 ? last : undefined
    },
    () => last?.total,
  )
  const by = new Map(report.devices.map((d) => [d.deviceId, d]))
  const balanced = { inSpool: 0, unaccounted: 0 }
  assert.deepEqual(by.get('pc-native'), {
    deviceId: 'pc-native',
    gateway: { received: 7, accepted: 5, rejected: { GW_REJECT_UNPARSEABLE: 1, GW_REJECT_IMPOSSIBLE_VALUE: 1 }, rejectedTotal: 2, spooled: 0, replayed: 0, ...balanced },
    processor: { consumed: 5, duplicates: 1, storedRaw: 4, invalid: 0, windowed: 4, late: 0, deadLettered: 0 },
    flow: { toKafka: 5, notYetStored: 0, notYetWindowed: 0 },
  })
  for (const id of ['pc-tasmota', 'pc-esphome']) {
    assert.deepEqual(by.get(id), {
      deviceId: id,
      gateway: { received: 2, accepted: 2, rejected: {}, rejectedTotal: 0, spooled: 0, replayed: 0, ...balanced },
      processor: { consumed: 2, duplicates: 0, storedRaw: 2, invalid: 0, windowed: 2, late: 0, deadLettered: 0 },
      flow: { toKafka: 2, notYetStored: 0, notYetWindowed: 0 },
    })
  }
  assert.deepEqual(report.total.flow, { toKafka: 9, notYetStored: 0, notYetWindowed: 0 })
  assert.equal(report.total.gateway.unaccounted, 0)
  // one gateway run; the processor writes one counter instance per partition (group/topic/partition)
  assert.equal(report.instances.filter((i) => i.component === 'gateway').length, 1)
  const procInstances = report.instances.filter((i) => i.component === 'processor')
  assert.ok(procInstances.length >= 1 && procInstances.length <= 3, JSON.stringify(procInstances))
  assert.ok(procInstances.every((i) => i.instance.endsWith(`/${s.topics.readings}/${i.instance.split('/').at(-1)}`)))

  // raw rows agree with the account: 4 + 2 + 2 readings stored
  let raw = 0
  for (const id of ['pc-native', 'pc-tasmota', 'pc-esphome']) {
    const r = await s.client.execute('SELECT count(*) AS n FROM readings_raw WHERE device_id = ? AND day = ?', [id, new Date(t0).toISOString().slice(0, 10)], { prepare: true })
    raw += Number(r.first().get('n'))
  }
  assert.equal(raw, 8)

  // Graceful stop: the gateway's last flush, and the account stays.
  assert.equal(await s.stopGateway(), 0)
  const afterStop = await s.get<Report>('/api/pipeline')
  assert.equal(afterStop.total.gateway.received, 11)
  assert.equal(afterStop.total.gateway.unaccounted, 0)
})
