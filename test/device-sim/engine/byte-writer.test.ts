import assert from 'node:assert/strict'
import { test } from 'node:test'
import fc from 'fast-check'
import { ByteWriter, SLACK, textLength, utf8 } from '../../../device-sim/engine/byte-writer.ts'

const decode = (w: ByteWriter): string => Buffer.from(w.buf.subarray(0, w.pos)).toString('utf8')
const writer = (): ByteWriter => new ByteWriter(new Uint8Array(256 + SLACK))

test('int/str/num write what String() and the NDJSON num() give', () => {
  const edge = [0, -0, 1, -1, 9, 10, 999_999_999, 1e9, 1e9 + 1, 1_767_225_603_216, Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER]
  const ints = fc.oneof(fc.constantFrom(...edge), fc.integer(), fc.maxSafeInteger())
  fc.assert(
    fc.property(ints, (n) => {
      const w = writer()
      w.int(n)
      assert.equal(decode(w), String(n))
      assert.equal(textLength(n), String(n).length)
    }),
    { numRuns: 20_000 },
  )
  fc.assert(
    fc.property(fc.double(), (v) => {
      const a = writer()
      a.str(v)
      assert.equal(decode(a), String(v))
      assert.equal(textLength(v), String(v).length)
      const b = writer()
      b.num(v)
      assert.equal(decode(b), Number.isFinite(v) ? String(v) : 'null')
    }),
    { numRuns: 20_000 },
  )
})

test('pieces of any length and non-ASCII text concatenate exactly (the word padding is overwritten)', () => {
  fc.assert(
    fc.property(fc.array(fc.string({ unit: 'grapheme', maxLength: 9 }), { maxLength: 12 }), (parts) => {
      const w = writer()
      for (const p of parts) w.bytes(utf8(p))
      assert.equal(decode(w), parts.join(''))
    }),
  )
})
