import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { loadProfile } from '../../../firmware-profiles/load-profile.ts'
import { clientKinds, fitsPacket } from '../../../device-sim/device/client-kind.ts'
import { esphomeEncoder } from '../../../device-sim/dialects/esphome.ts'
import { nativeEncoder } from '../../../device-sim/dialects/native.ts'
import { tasmotaEncoder } from '../../../device-sim/dialects/tasmota.ts'

const bme = loadProfile('bme280')
const dht = loadProfile('dht22')
const base = { deviceId: 'dev-1', seq: 123, boot: 2, deviceTime: Date.UTC(2026, 10, 22, 3, 0, 0), utcOffsetMinutes: 0 }

test('native: the exact payload, key order fixed', () => {
  const [m] = nativeEncoder.encode({ ...base, profile: bme, values: [21.53, 41.208, 1012.8396], battery: 3.91, rssi: -61 })
  assert.equal(m?.topic, 'devices/dev-1/telemetry')
  assert.equal(m?.payload, '{"seq":123,"boot":2,"ts":1795316400000,"sensor":"bme280","temperature":21.53,"humidity":41.208,"pressure":1012.8396,"battery":3.91,"rssi":-61}')
  assert.deepEqual(JSON.parse(m?.payload ?? ''), { seq: 123, boot: 2, ts: 1795316400000, sensor: 'bme280', temperature: 21.53, humidity: 41.208, pressure: 1012.8396, battery: 3.91, rssi: -61 })
})

test('native: a failed channel is left out; an all-NaN read publishes nothing', () => {
  const [m] = nativeEncoder.encode({ ...base, profile: dht, values: [21.5, Number.NaN] })
  assert.equal(m?.payload, '{"seq":123,"boot":2,"ts":1795316400000,"sensor":"dht22","temperature":21.5}')
  assert.deepEqual(nativeEncoder.encode({ ...base, profile: dht, values: [Number.NaN, Number.NaN] }), [])
})

test('native payloads always fit PubSubClient\'s 256-byte packet (worst cases, every profile)', () => {
  // Worst cases of what a device can send: a 64-character id, the largest seq, boot and time, and
  // channel values anywhere in the profile's range (the channel model clamps to it; the fault
  // constants, 85 °C, 99.9 %RH, 25.5, lie inside it) at the resolution's decimals. Values outside
  // the range are not worst cases but impossible ones: at ±10⁶ a payload does overflow by a byte.
  const id = 'x'.repeat(64)
  for (const profile of ['bme280', 'dht22', 'sht31', 'ds18b20'].map((p) => loadProfile(p))) {
    const channel = profile.channels.map((c) => {
      const decimals = String(c.resolution.value).split('.')[1]?.length ?? 0
      return fc.double({ min: c.min.value, max: c.max.value, noNaN: true }).map((v) => Number(v.toFixed(decimals)))
    })
    fc.assert(
      fc.property(fc.tuple(...channel), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (values, seq) => {
        const [m] = nativeEncoder.encode({ deviceId: id, profile, seq, boot: 65535, deviceTime: 8.64e15, utcOffsetMinutes: 0, values, battery: 4.2, rssi: -127 })
        assert.ok(m && fitsPacket(clientKinds.pubsubclient, m.topic, m.payload), `${profile.id}: ${m?.topic} ${m?.payload}`)
      }),
      { seed: 20261206, numRuns: 2_000 },
    )
  }
})

test('tasmota: the DHT22 appears as AM2301 with one-decimal values, DewPoint and local time', () => {
  const [m] = tasmotaEncoder.encode({ ...base, utcOffsetMinutes: 60, profile: dht, values: [21.54, 41.25] })
  assert.equal(m?.topic, 'tele/dev-1/SENSOR')
  assert.equal(m?.payload, '{"Time":"2026-11-22T04:00:00","AM2301":{"Temperature":21.5,"Humidity":41.3,"DewPoint":7.8},"TempUnit":"C"}')
})

test('tasmota: BME280 has Pressure after DewPoint and a PressureUnit', () => {
  // DewPoint by Magnus (17.62, 243.12) from 21.53 °C / 41.208 %RH = 7.76 °C, printed as 7.8
  const [m] = tasmotaEncoder.encode({ ...base, profile: bme, values: [21.53, 41.208, 1012.84] })
  assert.equal(m?.payload, '{"Time":"2026-11-22T03:00:00","BME280":{"Temperature":21.5,"Humidity":41.2,"DewPoint":7.8,"Pressure":1012.8},"PressureUnit":"hPa","TempUnit":"C"}')
})

test('tasmota before NTP: Time is 1970 plus uptime', () => {
  const [m] = tasmotaEncoder.encode({ ...base, deviceTime: 3169, profile: dht, values: [20, 50] })
  assert.match(m?.payload ?? '', /^\{"Time":"1970-01-01T00:00:03",/)
})

test('esphome: one bare number per sensor, nan for a failed read', () => {
  const msgs = esphomeEncoder.encode({ ...base, profile: dht, values: [21.5, Number.NaN] })
  assert.deepEqual(
    msgs.map((m) => [m.topic, m.payload]),
    [
      ['dev-1/sensor/temperature/state', '21.5'],
      ['dev-1/sensor/humidity/state', 'nan'],
    ],
  )
})

test('status topics and Will payloads per dialect', () => {
  assert.deepEqual([nativeEncoder.statusTopic('d'), nativeEncoder.online, nativeEncoder.offline], ['devices/d/status', 'online', 'offline'])
  assert.deepEqual([tasmotaEncoder.statusTopic('d'), tasmotaEncoder.online, tasmotaEncoder.offline], ['tele/d/LWT', 'Online', 'Offline'])
  assert.deepEqual([esphomeEncoder.statusTopic('d'), esphomeEncoder.online, esphomeEncoder.offline], ['d/status', 'online', 'offline'])
})
