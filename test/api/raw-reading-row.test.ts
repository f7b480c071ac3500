// Both layouts of readings_raw decode to the same stored reading; a `reading` cell that is not a
// JSON object degrades to the key columns instead of throwing (one bad row must not fail a page).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { RAW_READING_COLUMNS, storedRawReading, type RowLike } from '../../api/store/raw-reading-row.ts'
import type { Reading } from '../../contracts/reading.ts'

const row = (cells: Record<string, unknown>): RowLike => ({
  get: (c: string) => {
    assert.ok(RAW_READING_COLUMNS.split(', ').includes(c), `${c} is selected by RAW_READING_COLUMNS`)
    return cells[c] ?? null
  },
})
const longOf = (n: number) => ({ toNumber: () => n })
const reading: Reading = {
  deviceId: 'esp32-1', seq: 7, seqSource: 'device', boot: 2, eventTime: 1_764_000_000_000, receivedAt: 1_764_000_000_040,
  timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics: { temperature: 21.5, pressure: 1013.2 }, battery: 3.7, rssi: -58,
}
const key = { device_id: 'esp32-1', event_time: new Date(reading.eventTime), boot: 2, seq: longOf(7) }
const expected = {
  deviceId: 'esp32-1', eventTime: reading.eventTime, boot: 2, seq: 7, receivedAt: reading.receivedAt,
  timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics: { temperature: 21.5, pressure: 1013.2 }, battery: 3.7, rssi: -58,
}

test('a JSON row (cql/003) and a typed row (cql/001) of one reading decode alike', () => {
  const json = storedRawReading(row({ ...key, reading: JSON.stringify(reading) }))
  const typed = storedRawReading(row({
    ...key, received_at: new Date(reading.receivedAt), time_source: 'device', sensor: 'bme280', dialect: 'native',
    metrics: { temperature: 21.5, pressure: 1013.2 }, battery: 3.7, rssi: -58,
  }))
  assert.deepEqual(json, expected)
  assert.deepEqual(typed, expected)
})

test('optional fields left out of the reading are null in both layouts', () => {
  const { battery: _b, rssi: _r, ...bare } = reading
  const json = storedRawReading(row({ ...key, reading: JSON.stringify(bare) }))
  const typed = storedRawReading(row({ ...key, received_at: new Date(reading.receivedAt), time_source: 'device', sensor: 'bme280', dialect: 'native', metrics: bare.metrics }))
  for (const r of [json, typed]) {
    assert.equal(r.battery, null)
    assert.equal(r.rssi, null)
    assert.deepEqual(r.metrics, bare.metrics)
  }
})

test('the key columns are authoritative, not the copies inside the JSON', () => {
  const r = storedRawReading(row({ ...key, reading: JSON.stringify({ ...reading, deviceId: 'other', seq: 99, boot: 9, eventTime: 0 }) }))
  assert.deepEqual([r.deviceId, r.seq, r.boot, r.eventTime], ['esp32-1', 7, 2, reading.eventTime])
})

for (const bad of ['not json', '[1,2]', 'null', '42', '{"metrics": "x"}']) {
  test(`a reading cell of ${JSON.stringify(bad)} yields the key columns, empty metrics and nulls`, () => {
    const r = storedRawReading(row({ ...key, reading: bad }))
    assert.deepEqual(r, { ...expected, receivedAt: null, timeSource: null, sensor: null, dialect: null, metrics: {}, battery: null, rssi: null })
  })
}
