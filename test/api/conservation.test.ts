import assert from 'node:assert/strict'
import { test } from 'node:test'
import { conservation } from '../../api/pipeline/conservation.ts'
import { parseWindowSize } from '../../api/routes/window-size.ts'

test('conservation: every received reading is accounted for, gaps are visible', () => {
  const gw = new Map([
    ['received', 100],
    ['accepted', 90],
    ['rejected:SCHEMA', 3],
    ['rejected:RANGE', 2],
    ['spooled', 5],
    ['replayed', 4],
  ])
  const proc = new Map([
    ['consumed', 93],
    ['duplicates', 2],
    ['stored_raw', 91],
    ['invalid', 1],
    ['windowed', 88],
    ['dead_lettered', 1],
  ])
  const c = conservation(gw, proc)
  assert.deepEqual(c.gateway.rejected, { SCHEMA: 3, RANGE: 2 })
  assert.equal(c.gateway.rejectedTotal, 5)
  assert.equal(c.gateway.unaccounted, 0)
  assert.equal(c.gateway.inSpool, 1)
  assert.equal(c.flow.toKafka, 94)
  assert.equal(c.processor.deadLettered, 1)
  assert.equal(c.flow.notYetStored, 0, '94 to Kafka = 91 stored + 2 duplicates + 1 dead-lettered')
  assert.equal(c.flow.notYetWindowed, 2)
  assert.equal(conservation(new Map([['received', 3]])).gateway.unaccounted, 3)
})

test('window sizes', () => {
  assert.equal(parseWindowSize('60'), 60)
  assert.equal(parseWindowSize('1m'), 60)
  assert.equal(parseWindowSize('1h'), 3600)
  assert.equal(parseWindowSize('1d'), 86_400)
  assert.throws(() => parseWindowSize('40d'), { code: 'API_ERR_BAD_PARAMS' })
})
