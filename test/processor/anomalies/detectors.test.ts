import assert from 'node:assert/strict'
import { writeFileSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { newRateState, rateStep } from '../../../processor/anomalies/rate-of-change.ts'
import { Rules } from '../../../processor/anomalies/rules-file.ts'
import { silenceCheck, silenceSeen } from '../../../processor/anomalies/silence.ts'
import { newStuckState, stuckStep } from '../../../processor/anomalies/stuck-sensor.ts'
import { newThresholdState, thresholdStep, type ThresholdRule } from '../../../processor/anomalies/threshold-with-hysteresis.ts'

const rule: ThresholdRule = { high: 30, low: 0, hysteresis: 1, openAfter: 2, closeAfter: 2, severity: 'warning' }
const feed = (r: ThresholdRule, xs: number[]): Array<string | null> => {
  const s = newThresholdState()
  return xs.map((x, i) => {
    const st = thresholdStep(r, s, x, i)
    return st ? `${st.event}:${st.side}@${st.event === 'open' ? st.openedAt : st.closedAt}` : null
  })
}

test('threshold: a value exactly at the limit is not a breach (strict >, <)', () => {
  assert.deepEqual(feed(rule, [30, 30, 30, 0, 0, 0]), [null, null, null, null, null, null])
  assert.deepEqual(feed({ ...rule, openAfter: 1 }, [30.000001]), ['open:high@0'])
})

test('threshold: one noisy reading neither opens nor closes it', () => {
  assert.deepEqual(feed(rule, [25, 31, 25, 31, 25]), [null, null, null, null, null], 'isolated spikes')
  assert.deepEqual(feed(rule, [31, 31, 25, 31, 25, 25]), [null, 'open:high@0', null, null, null, 'close:high@5'], 'one dip is not a close')
})

test('threshold: hysteresis band — back under the limit but not by the margin keeps it open', () => {
  assert.deepEqual(feed(rule, [31, 31, 29.5, 29.5, 29, 29]), [null, 'open:high@0', null, null, null, 'close:high@5'])
  assert.deepEqual(feed(rule, [-1, -1, 0.5, 1, 1]), [null, 'open:low@0', null, null, 'close:low@4'])
})

test('rate of change: opens above the limit per minute, closes when back under; ignores older readings', () => {
  const s = newRateState()
  const r = { maxPerMinute: 6, severity: 'warning' as const }
  assert.equal(rateStep(r, s, 20, 0), null)
  assert.equal(rateStep(r, s, 20.5, 5_000), null, '6/min exactly is allowed')
  assert.deepEqual(rateStep(r, s, 21.5, 6_000), { event: 'open', openedAt: 6_000, rate: 60 })
  assert.equal(rateStep(r, s, 50, 5_500), null, 'out of order: skipped')
  assert.equal(rateStep(r, s, 21.5, 7_000)?.event, 'close')
})

test('stuck: N readings within epsilon open it at the first; movement closes it', () => {
  const s = newStuckState()
  const r = { samples: 4, epsilon: 0, severity: 'warning' as const }
  const out = [21.1, 21.2, 21.2, 21.2, 21.2, 21.2, 21.3].map((x, i) => stuckStep(r, s, x, i * 10)?.event ?? null)
  assert.deepEqual(out, [null, null, null, null, 'open', null, 'close'])
})

test('silence: opens at last event + afterMs once the watermark passes it; the next reading closes it', () => {
  const s = { lastEventTime: -Infinity, openedAt: null as number | null }
  assert.equal(silenceSeen(s, 1_000), null)
  assert.equal(silenceCheck(s, 61_000, 60_000), null, 'exactly afterMs: not yet')
  assert.deepEqual(silenceCheck(s, 61_001, 60_000), { event: 'open', openedAt: 61_000 })
  assert.equal(silenceCheck(s, 99_000, 60_000), null, 'opens once')
  assert.equal(silenceSeen(s, 50_000), null, 'a late reading from before the silence does not close it')
  assert.deepEqual(silenceSeen(s, 100_000), { event: 'close', openedAt: 61_000, closedAt: 100_000 })
})

test('rules file: thresholds resolve global < site < device; invalid files fail with every problem', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rules-'))
  const good = join(dir, 'good.json')
  writeFileSync(
    good,
    JSON.stringify({
      thresholds: { temperature: { high: 30, hysteresis: 1 } },
      sites: { cold: { thresholds: { temperature: { high: 8 } } } },
      devices: { fridge: { site: 'cold' }, probe: { site: 'cold', thresholds: { temperature: { high: 4, severity: 'critical' } } } },
      impossible: { custom: { level: [0, 10] } },
    }),
  )
  const r = Rules.load(good)
  assert.equal(r.threshold('other', 'temperature')?.high, 30)
  assert.equal(r.threshold('fridge', 'temperature')?.high, 8)
  assert.equal(r.threshold('fridge', 'temperature')?.hysteresis, 1, 'fields not overridden are inherited')
  assert.deepEqual([r.threshold('probe', 'temperature')?.high, r.threshold('probe', 'temperature')?.severity], [4, 'critical'])
  assert.equal(r.threshold('probe', 'humidity'), null)
  assert.deepEqual(r.impossibleRange('dht22', 'temperature'), [-40, 80], 'built-in table kept')
  assert.deepEqual(r.impossibleRange('custom', 'level'), [0, 10])
  const bad = join(dir, 'bad.json')
  writeFileSync(bad, JSON.stringify({ thresholds: { t: { high: 'x' } }, stuck: { t: { samples: 1, epsilon: -1 } } }))
  assert.throws(() => Rules.load(bad), (e: Error & { code?: string }) => e.code === 'PROC_ERR_RULES_FILE' && /high/.test(e.message) && /samples/.test(e.message))
  assert.throws(() => Rules.load(join(dir, 'missing.json')), { code: 'PROC_ERR_RULES_FILE' })
})
