import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { SeenSet } from '../../../processor/dedup/seen-set.ts'

test('add() is true exactly for the first time a (device, boot, seq) is seen', () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 3 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 60 })), { maxLength: 400 }), (ops) => {
      const s = new SeenSet({ maxBoots: 8, maxRanges: 10_000 })
      const model = new Set<string>()
      for (const [d, b, q] of ops) {
        const k = `${d}/${b}/${q}`
        assert.equal(s.add(`d${d}`, b, q), !model.has(k), k)
        model.add(k)
      }
      const back = SeenSet.fromJSON(JSON.parse(JSON.stringify(s.toJSON())), { maxBoots: 8, maxRanges: 10_000 })
      for (const k of model) {
        const [d, b, q] = k.split('/').map(Number) as [number, number, number]
        assert.equal(back.add(`d${d}`, b, q), false)
      }
    }),
    { seed: 3, numRuns: 300 },
  )
})

test('a device sending seq in order costs one range per boot', () => {
  const s = new SeenSet()
  for (let i = 0; i < 100_000; i++) s.add('dev', 1, i)
  assert.deepEqual(s.toJSON(), { dev: { '1': [[0, 99_999]] } })
})

test('bounded: old boots and old gaps are forgotten as seen, never as new', () => {
  const s = new SeenSet({ maxBoots: 2, maxRanges: 3 })
  for (const b of [1, 2, 3]) s.add('dev', b, 0)
  assert.equal(s.add('dev', 1, 5), false, 'a boot older than every tracked one is treated as seen')
  for (const q of [0, 2, 4, 6, 8]) s.add('x', 1, q)
  assert.equal(s.toJSON().x?.['1']?.length, 3)
  assert.equal(s.add('x', 1, 1), false, 'the merged gap counts as seen')
  assert.equal(s.add('x', 1, 7), true, 'recent gaps are still tracked exactly')
})
