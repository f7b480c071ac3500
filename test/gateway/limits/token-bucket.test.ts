// Per-device publish budget with a stepped clock: burst, sustained rate, reservation, eviction.
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { TokenBuckets } from '../../../gateway/limits/token-bucket.ts'
import { fakeClock } from '../helpers/fake-clock.ts'

describe('TokenBuckets', () => {
  it('allows the burst, then the sustained rate, per key', () => {
    const clock = fakeClock()
    const b = new TokenBuckets({ ratePerSec: 10, burst: 3, clock })
    assert.deepEqual([b.reserve('a'), b.reserve('a'), b.reserve('a'), b.reserve('a')], [0, 0, 0, -1])
    assert.equal(b.reserve('b'), 0, 'another device is unaffected')
    clock.advance(100)
    assert.equal(b.reserve('a'), 0)
    assert.equal(b.reserve('a'), -1)
  })

  it('reserves a future token within the allowed wait and spends it', () => {
    const clock = fakeClock()
    const b = new TokenBuckets({ ratePerSec: 10, burst: 1, clock })
    assert.equal(b.reserve('a', 500), 0)
    assert.equal(b.reserve('a', 500), 100)
    assert.equal(b.reserve('a', 500), 200)
    assert.equal(b.reserve('a', 150), -1)
  })

  it('forgets idle devices', () => {
    const clock = fakeClock()
    const b = new TokenBuckets({ ratePerSec: 1, burst: 1, clock, idleEvictMs: 1_000 })
    b.reserve('a')
    clock.advance(5_000)
    b.reserve('b')
    assert.equal(b.size, 1)
  })
})
