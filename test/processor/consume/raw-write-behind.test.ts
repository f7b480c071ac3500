// Raw readings held back per partition (processor/consume/raw-write-behind.ts): when a flush is due
// (age of the oldest held reading, or the row cap) and that a flush hands over every reading once,
// in order. The runner's side (flushed before every checkpoint, dropped on pause and replayed) is
// exercised by the processor integrity suites, which SIGKILL a processor with readings held back.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { rawRowOf, type RawRow } from '../../../processor/consume/effects.ts'
import { RawWriteBehind } from '../../../processor/consume/raw-write-behind.ts'

const reading = (seq: number): RawRow =>
  rawRowOf({
    deviceId: 'd1',
    seq,
    seqSource: 'device',
    boot: 0,
    eventTime: 1_000 + seq,
    receivedAt: 1_000 + seq,
    timeSource: 'device',
    sensor: 'bme280',
    dialect: 'native',
    metrics: { temperature: 20 },
  })

test('nothing held is never due', () => {
  const b = new RawWriteBehind({ delayMs: 1_000, maxRows: 10 })
  assert.equal(b.due(0), false)
  assert.equal(b.due(1e12), false)
  b.add([], 0)
  assert.equal(b.size, 0)
  assert.equal(b.due(1e12), false)
})

test('due once the oldest held reading is delayMs old, not counted from the latest', () => {
  const b = new RawWriteBehind({ delayMs: 1_000, maxRows: 10 })
  b.add([reading(1)], 5_000)
  b.add([reading(2)], 5_900)
  assert.equal(b.due(5_999), false)
  assert.equal(b.due(6_000), true)
})

test('due at maxRows whatever the age (bounds memory)', () => {
  const b = new RawWriteBehind({ delayMs: 60_000, maxRows: 3 })
  b.add([reading(1), reading(2)], 0)
  assert.equal(b.due(0), false)
  b.add([reading(3)], 0)
  assert.equal(b.due(0), true)
})

test('delayMs 0: due as soon as anything is held (the old write-with-each-batch behaviour)', () => {
  const b = new RawWriteBehind({ delayMs: 0, maxRows: 10 })
  b.add([reading(1)], 7)
  assert.equal(b.due(7), true)
})

test('take hands over every reading once, in order, and the clock restarts with the next add', () => {
  const b = new RawWriteBehind({ delayMs: 1_000, maxRows: 10 })
  b.add([reading(1), reading(2)], 0)
  b.add([reading(3)], 500)
  assert.deepEqual(
    b.take().map((r) => r.seq),
    [1, 2, 3],
  )
  assert.equal(b.size, 0)
  assert.deepEqual(b.take(), [])
  b.add([reading(4)], 10_000)
  assert.equal(b.due(10_999), false)
  assert.equal(b.due(11_000), true)
})
