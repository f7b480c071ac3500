// The three dialect adapters on the payloads real firmware sends (product-contract.md).
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { classifyTopic } from '../../../gateway/acl/topic-routes.ts'
import { parseEsphome } from '../../../gateway/ingest/esphome.ts'
import { parseNative } from '../../../gateway/ingest/native.ts'
import { Rejection } from '../../../gateway/ingest/reject-reasons.ts'
import { parseStatus } from '../../../gateway/ingest/status.ts'
import { parseTasmota } from '../../../gateway/ingest/tasmota.ts'

const b = (s: string) => Buffer.from(s)

describe('topic routes', () => {
  it('maps each dialect topic and denies foreign or $SYS topics', () => {
    assert.deepEqual(classifyTopic('devices/d1/telemetry', 'd1'), { kind: 'telemetry', dialect: 'native', deviceId: 'd1' })
    assert.deepEqual(classifyTopic('tele/d1/SENSOR', 'd1'), { kind: 'telemetry', dialect: 'tasmota', deviceId: 'd1' })
    assert.deepEqual(classifyTopic('tele/d1/LWT', 'd1'), { kind: 'status', dialect: 'tasmota', deviceId: 'd1' })
    assert.deepEqual(classifyTopic('d1/sensor/temp/state', 'd1'), { kind: 'telemetry', dialect: 'esphome', deviceId: 'd1', sensorName: 'temp' })
    assert.deepEqual(classifyTopic('d1/status', 'd1'), { kind: 'status', dialect: 'esphome', deviceId: 'd1' })
    assert.deepEqual(classifyTopic('tele/d1/STATE', 'd1'), { kind: 'unknown', deviceId: 'd1' })
    assert.equal(classifyTopic('devices/d2/telemetry', 'd1').kind, 'denied')
    assert.equal(classifyTopic('$SYS/x', 'd1').kind, 'denied')
  })
})

describe('native', () => {
  it('parses the contract example, ISO ts and bare NaN tokens', () => {
    const r = parseNative(b('{"seq":123,"ts":"2026-11-22T03:00:00Z","sensor":"bme280","temperature":NaN,"humidity":41.2,"battery":3.91,"rssi":-61}'), 'd1', 'unknown')
    assert.ok(!(r instanceof Rejection))
    assert.equal(r.seq, 123)
    assert.equal(r.deviceTime, Date.parse('2026-11-22T03:00:00Z'))
    assert.deepEqual(r.values, { temperature: null, humidity: 41.2 })
    assert.equal(r.battery, 3.91)
  })
  for (const [payload, reason] of [
    ['not json', 'GW_REJECT_UNPARSEABLE'],
    ['[1,2]', 'GW_REJECT_SCHEMA'],
    ['{"seq":-1,"t":1}', 'GW_REJECT_SCHEMA'],
    ['{"seq":1.5,"t":1}', 'GW_REJECT_SCHEMA'],
    ['{"ts":"yesterday","t":1}', 'GW_REJECT_SCHEMA'],
  ] as const) {
    it(`rejects ${payload} as ${reason}`, () => {
      const r = parseNative(b(payload), 'd1', 'unknown')
      assert.ok(r instanceof Rejection)
      assert.equal(r.reason, reason)
    })
  }
  it('rejects invalid UTF-8 as unparseable', () => {
    const r = parseNative(Buffer.from([0x7b, 0xc3, 0x28, 0x7d]), 'd1', 'unknown')
    assert.ok(r instanceof Rejection && r.reason === 'GW_REJECT_UNPARSEABLE')
  })
})

describe('tasmota', () => {
  it('one reading per sensor object, local time shifted by the configured offset, units converted', () => {
    const msg = '{"Time":"2026-11-22T03:00:00","BME280":{"Temperature":21.5,"Humidity":41.2,"DewPoint":7.9,"Pressure":759.7},"DS18B20-1":{"Id":"0316A2","Temperature":20.1},"ESP32":{"Temperature":45},"PressureUnit":"mmHg","TempUnit":"C"}'
    const r = parseTasmota(b(msg), 'd1', 60)
    assert.ok(!(r instanceof Rejection))
    assert.deepEqual(r.map((x) => x.sensor), ['bme280', 'ds18b20'])
    assert.equal(r[0]?.deviceTime, Date.parse('2026-11-22T02:00:00Z'))
    assert.ok(Math.abs((r[0]?.values.pressure as number) - 1012.83) < 0.05)
    assert.equal(r[0]?.values.dew_point, 7.9)
    assert.deepEqual(r[1]?.values, { temperature: 20.1 })
  })
  it('AM2301 is the DHT22; null values are read failures', () => {
    const r = parseTasmota(b('{"Time":"1970-01-01T00:00:12","AM2301":{"Temperature":null,"Humidity":55}}'), 'd1', 0)
    assert.ok(!(r instanceof Rejection))
    assert.equal(r[0]?.sensor, 'dht22')
    assert.equal(r[0]?.deviceTime, 12_000)
  })
  it('rejects a message with no sensor object', () => {
    const r = parseTasmota(b('{"Time":"2026-11-22T03:00:00"}'), 'd1', 0)
    assert.ok(r instanceof Rejection && r.reason === 'GW_REJECT_SCHEMA')
  })
})

describe('esphome and status', () => {
  it('a bare number or nan', () => {
    const r = parseEsphome(b('21.53'), 'd1', 'Living-Room Temp', 'esphome')
    assert.ok(!(r instanceof Rejection))
    assert.deepEqual(r.values, { living_room_temp: 21.53 })
    const n = parseEsphome(b('nan'), 'd1', 'temp', 'esphome')
    assert.ok(!(n instanceof Rejection) && n.values.temp === 'nan')
    assert.ok(parseEsphome(b('21,5'), 'd1', 'temp', 'esphome') instanceof Rejection)
  })
  it('online/offline in any case', () => {
    assert.equal(parseStatus(b('Online')), 'online')
    assert.equal(parseStatus(b('offline')), 'offline')
    assert.ok(parseStatus(b('maybe')) instanceof Rejection)
  })
})
