// The counter writer's behaviour when Cassandra misbehaves, without Cassandra (the real-server
// path is test/api/pipeline.integration.test.ts and test/gateway/faults/counters-cassandra-down):
// failures are rate-limited in the log but all counted, a slow flush is never stacked by the
// timer, close() is bounded, and stop() writes nothing more.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import type cassandra from 'cassandra-driver'
import { closeWithin, startCounterRunner, throttledFailures } from '../../contracts/pipeline-counter-runner.ts'
import { PipelineTally, startCounterWriter } from '../../contracts/pipeline-counters.ts'

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms))

/** A stand-in for cassandra.Client: batch() waits `delayMs` then fails or succeeds. */
function fakeClient(o: { delayMs?: number; fail?: boolean }): { client: cassandra.Client; batches: number; inFlight: number; maxInFlight: number } {
  const state = { batches: 0, inFlight: 0, maxInFlight: 0 }
  const client = {
    connect: async () => {
      if (o.fail) throw new Error('ECONNREFUSED')
    },
    batch: async () => {
      state.batches++
      state.inFlight++
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight)
      await sleep(o.delayMs ?? 0)
      state.inFlight--
      if (o.fail) throw new Error('NoHostAvailableError')
    },
    execute: async () => {
      if (o.fail) throw new Error('NoHostAvailableError')
    },
    shutdown: async () => {},
  } as unknown as cassandra.Client
  return Object.assign(state, { client })
}

test('throttledFailures: every failure counted, one log line per period with the suppressed count', () => {
  const lines: Array<{ obj: { suppressed: number } }> = []
  let t = 0
  let counted = 0
  const report = throttledFailures({ warn: (obj) => void lines.push({ obj: obj as { suppressed: number } }) }, 'x', 60_000, () => t, () => void counted++)
  for (let i = 0; i < 10; i++, t += 5_000) report(new Error('down'))
  assert.equal(counted, 10)
  assert.equal(lines.length, 1)
  t = 61_000
  report(new Error('down'))
  assert.equal(lines.length, 2)
  assert.equal(lines[1]?.obj.suppressed, 9, 'the next line says how many were not logged')
})

test('a flush slower than the period is not stacked; failed rows stay dirty', async () => {
  const fake = fakeClient({ delayMs: 120, fail: true })
  const tally = new PipelineTally()
  tally.inc('d', 'received', 3)
  const errors: unknown[] = []
  const w = startCounterWriter(fake.client, tally, { component: 'gateway', instance: 'i', intervalMs: 20, onError: (e) => void errors.push(e) })
  await sleep(400)
  w.stop()
  await sleep(200) // the flush in flight fails and puts its rows back
  assert.equal(fake.maxInFlight, 1, 'never two flushes at once')
  assert.ok(fake.batches >= 2 && fake.batches <= 5, `ticks during a running flush were skipped (${fake.batches} flushes in 400 ms)`)
  assert.ok(errors.length >= 2)
  assert.deepEqual(tally.takeDirty(), [['d', 'received', 3]], 'the row is still dirty for the next flush')
})

test('close is bounded when Cassandra hangs; stop writes nothing more', async () => {
  const hanging = fakeClient({ delayMs: 10_000 })
  const tally = new PipelineTally()
  tally.inc('d', 'accepted')
  const errors: unknown[] = []
  const w = startCounterWriter(hanging.client, tally, { component: 'gateway', instance: 'i', intervalMs: 60_000 })
  const t0 = Date.now()
  await closeWithin(w, 150, (e) => void errors.push(e))
  assert.ok(Date.now() - t0 < 1_000)
  assert.match(String((errors[0] as Error).message), /within 150 ms/)

  const ok = fakeClient({})
  const w2 = startCounterWriter(ok.client, new PipelineTally(), { component: 'gateway', instance: 'j', intervalMs: 10 })
  w2.stop()
  await sleep(60)
  assert.equal(ok.batches, 0)
})

test('the runner starts without waiting for a connection, counts failures, and closes bounded', async () => {
  const down = fakeClient({ fail: true })
  const tally = new PipelineTally()
  tally.inc('d', 'received')
  let failures = 0
  const warnings: unknown[] = []
  const r = startCounterRunner({ client: down.client, tally, component: 'gateway', intervalMs: 20, log: { warn: (o) => void warnings.push(o) }, onFailure: () => void failures++ })
  assert.match(r.instance, /-\d+-\d+$/)
  await sleep(150)
  await r.close(200)
  assert.ok(failures >= 3, `connect + flushes + last flush counted (${failures})`)
  assert.equal(warnings.length, 1, 'logged once within the period')
})
