import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ReadingCheck, readingKey, type Reading } from '../../contracts/reading.ts'

const valid: Reading = {
  deviceId: 'bme280-0001',
  seq: 123,
  seqSource: 'device',
  boot: 2,
  eventTime: 1763780400000,
  receivedAt: 1763780400120,
  timeSource: 'device',
  sensor: 'bme280',
  dialect: 'native',
  metrics: { temperature: 21.53, humidity: 41.2, pressure: 1012.84 },
  battery: 3.91,
  rssi: -61,
}

test('a canonical reading passes the compiled check', () => {
  assert.ok(ReadingCheck.Check(valid), JSON.stringify([...ReadingCheck.Errors(valid)]))
})

test('the check rejects what must never reach iot.readings', () => {
  const cases: Array<[string, unknown]> = [
    ['NaN metric', { ...valid, metrics: { temperature: Number.NaN } }],
    ['no metrics', { ...valid, metrics: {} }],
    ['wildcard in device id', { ...valid, deviceId: 'a/+' }],
    ['negative seq', { ...valid, seq: -1 }],
    ['fractional seq', { ...valid, seq: 1.5 }],
    ['unknown dialect', { ...valid, dialect: 'zigbee' }],
    ['extra property', { ...valid, extra: 1 }],
    ['metric name with spaces', { ...valid, metrics: { 'air temp': 1 } }],
    ['positive RSSI', { ...valid, rssi: 5 }],
  ]
  for (const [name, value] of cases) assert.equal(ReadingCheck.Check(value), false, name)
})

test('the dedup key separates boots, since seq restarts on reboot', () => {
  assert.notEqual(readingKey(valid), readingKey({ ...valid, boot: 3 }))
  const resent: Reading = { ...valid, eventTime: 0 }
  assert.equal(readingKey(valid), readingKey(resent))
})
