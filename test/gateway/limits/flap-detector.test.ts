// Reconnect-storm ban: unit test with a stepped clock, then through the broker (CONNACK 3).
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { FlapDetector } from '../../../gateway/limits/flap-detector.ts'
import { fakeClock } from '../helpers/fake-clock.ts'
import { connectRaw } from '../helpers/raw-client.ts'
import { passwordOf, startTestGateway } from '../helpers/test-gateway.ts'

describe('FlapDetector', () => {
  it('bans after more than maxConnects sessions in the window, for banMs', () => {
    const clock = fakeClock()
    const f = new FlapDetector({ maxConnects: 3, windowMs: 10_000, banMs: 5_000, clock })
    assert.deepEqual([f.record('a'), f.record('a'), f.record('a')], [false, false, false])
    assert.equal(f.isBanned('b'), false)
    assert.equal(f.record('a'), true)
    assert.equal(f.isBanned('a'), true)
    clock.advance(5_000)
    assert.equal(f.isBanned('a'), false)
  })

  it('spreads over time are not flapping', () => {
    const clock = fakeClock()
    const f = new FlapDetector({ maxConnects: 2, windowMs: 1_000, banMs: 5_000, clock })
    for (let i = 0; i < 10; i++) {
      assert.equal(f.record('a'), false)
      clock.advance(600)
    }
  })

  it('the broker refuses a flapping device with CONNACK 3; wrong passwords never count', async () => {
    const gw = await startTestGateway({ limits: { flapMaxConnects: 2, flapWindowMs: 60_000, flapBanMs: 60_000 } })
    try {
      for (let i = 0; i < 5; i++) {
        const bad = await connectRaw(gw.port, { clientId: 'dev-2', username: 'dev-2', password: 'wrong' })
        assert.equal(bad.returnCode, 5)
      }
      const codes: Array<number | null> = []
      for (let i = 0; i < 4; i++) {
        const { c, returnCode } = await connectRaw(gw.port, { clientId: 'dev-2', username: 'dev-2', password: passwordOf('dev-2') })
        codes.push(returnCode)
        c.destroy()
        await c.closed
      }
      assert.deepEqual(codes, [0, 0, 0, 3])
      assert.equal(gw.metrics.connectRefused.get({ reason: 'flapping' }), 1)
      const other = await connectRaw(gw.port, { clientId: 'dev-1', username: 'dev-1', password: passwordOf('dev-1') })
      assert.equal(other.returnCode, 0, 'other devices unaffected')
      other.c.destroy()
    } finally {
      await gw.close()
    }
  })
})
