// Writes that run behind a partition's consumption (processor/consume/writes-behind.ts): what a
// checkpoint relies on — settled() waits for every write started before it and rejects if any
// failed — and the bound on writes in flight. The runner's side (a failed write pauses the
// partition, which replays from its last checkpoint) is exercised by the processor integrity
// suites (cassandra-down, sigkill-restart).
import assert from 'node:assert/strict'
import { test } from 'node:test'
import { WritesBehind } from '../../../processor/consume/writes-behind.ts'

interface Gate {
  promise: Promise<void>
  open(): void
  fail(err: Error): void
}
const gate = (): Gate => {
  let open!: () => void
  let fail!: (err: Error) => void
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return { promise, open, fail }
}
const tick = (): Promise<void> => new Promise((r) => setImmediate(r))

test('settled() waits for every write started before it, not for later ones', async () => {
  const w = new WritesBehind(10)
  const a = gate()
  const b = gate()
  await w.add(() => a.promise)
  let settled = false
  const s = w.settled().then(() => (settled = true))
  await w.add(() => b.promise) // started after settled() was asked
  await tick()
  assert.equal(settled, false, 'a is still being written')
  a.open()
  await s
  assert.equal(settled, true, 'b, started later, is not waited for')
  assert.equal(w.size, 1)
  b.open()
  await w.settled()
  assert.equal(w.size, 0)
})

test('a failed write: settled() rejects with it, now and later, and failure names it', async () => {
  const w = new WritesBehind(10)
  const a = gate()
  await w.add(() => a.promise)
  await w.add(async () => {})
  const s = w.settled()
  a.fail(new Error('Cassandra timed out'))
  await assert.rejects(s, /Cassandra timed out/)
  assert.match(String((w.failure?.err as Error).message), /Cassandra timed out/)
  await w.add(async () => {})
  await assert.rejects(w.settled(), /Cassandra timed out/, 'a checkpoint after a failure is never saved')
})

test('a write that throws at once counts as failed, like one that rejects later', async () => {
  const w = new WritesBehind(10)
  await w.add(async () => {
    throw new Error('bad statement')
  })
  await assert.rejects(w.settled(), /bad statement/)
})

test('at most max writes in flight: add() waits for one to finish', async () => {
  const w = new WritesBehind(2)
  const gates = [gate(), gate(), gate()]
  await w.add(() => gates[0]!.promise)
  let second = false
  const adding = w.add(() => gates[1]!.promise).then(() => (second = true))
  await tick()
  assert.equal(second, false, 'two in flight: the caller waits')
  assert.equal(w.size, 2)
  gates[0]!.open()
  await adding
  assert.equal(w.size, 1)
  const third = w.add(() => gates[2]!.promise)
  await tick()
  assert.equal(w.size, 2, 'never more than two')
  gates[1]!.open()
  await third
  gates[2]!.open()
  await w.settled()
  assert.equal(w.failure, null)
})
