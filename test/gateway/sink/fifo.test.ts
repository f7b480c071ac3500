import { strict as assert } from 'node:assert'
import { test } from 'node:test'
import { Fifo } from '../../../gateway/sink/fifo.ts'

test('Fifo keeps order across compactions, interleaved push and shift', () => {
  const q = new Fifo<number>()
  const model: number[] = []
  let next = 0
  for (let round = 0; round < 50; round++) {
    for (let i = 0; i < 700; i++) (q.push(next), model.push(next++))
    for (let i = 0; i < 500 + (round % 3) * 100; i++) assert.equal(q.shift(), model.shift())
    assert.equal(q.length, model.length)
    assert.equal(q.peek(), model[0])
  }
  while (model.length > 0) assert.equal(q.shift(), model.shift())
  assert.equal(q.shift(), undefined)
  assert.equal(q.length, 0)
})

test('Fifo shift stays cheap on a queue of 200,000 (Array.shift would copy each time)', () => {
  const q = new Fifo<number>()
  for (let i = 0; i < 200_000; i++) q.push(i)
  for (let i = 0; i < 200_000; i++) assert.equal(q.shift(), i)
  assert.equal(q.length, 0)
})
