import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { EventHeap } from '../../../device-sim/engine/event-heap.ts'

// The engine's order is the heap's order, so it must be exactly (nextAt, rank) ascending,
// including ties and devices that are done (nextAt = +∞).
test('the heap yields (nextAt, rank) in ascending order while the top keeps moving', () => {
  const time = fc.oneof(fc.integer({ min: 0, max: 50 }), fc.constant(Number.POSITIVE_INFINITY))
  fc.assert(
    fc.property(fc.array(time, { minLength: 1, maxLength: 60 }), fc.array(time, { maxLength: 200 }), (starts, moves) => {
      const items = starts.map((nextAt, rank) => ({ nextAt, rank }))
      const heap = new EventHeap(items)
      const model = items.map((x) => ({ ...x }))
      for (const add of moves) {
        const want = [...model].sort((a, b) => a.nextAt - b.nextAt || a.rank - b.rank)[0]
        const top = heap.peek()
        assert.deepEqual({ nextAt: top?.nextAt, rank: top?.rank }, want)
        if (!top || top.nextAt === Number.POSITIVE_INFINITY) break
        // the engine only moves the top forward in time
        top.nextAt += add
        ;(model.find((m) => m.rank === top.rank) as { nextAt: number }).nextAt = top.nextAt
        heap.updateTop()
      }
    }),
  )
})
