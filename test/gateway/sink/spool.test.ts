// The spool on a real filesystem: fsync'd appends read back in order, bounded, segments rolled
// and deleted once replayed, the head survives reopening, a torn tail is cut at the last frame.
import { strict as assert } from 'node:assert'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { Spool } from '../../../gateway/sink/spool.ts'
import type { SinkRecord } from '../../../gateway/sink/telemetry-sink.ts'

const dirs: string[] = []
const freshDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gw-spool-'))
  dirs.push(d)
  return d
}
const rec = (i: number): SinkRecord => ({ stream: 'readings', key: `d${i % 3}`, value: JSON.stringify({ seq: i, pad: 'x'.repeat(40) }) })
const seqs = (rs: SinkRecord[]): number[] => rs.map((r) => (JSON.parse(r.value) as { seq: number }).seq)

function drain(s: Spool, batch = 7): number[] {
  const out: number[] = []
  for (let b = s.peek(batch); b; b = s.peek(batch)) {
    out.push(...seqs(b.records))
    s.commit(b.next)
  }
  return out
}

describe('Spool', () => {
  after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })))

  it('replays appends in order across segments and deletes replayed segments', async () => {
    const dir = freshDir()
    const s = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_024 })
    for (let i = 0; i < 50; i++) await s.append([rec(i)])
    assert.ok(readdirSync(dir).filter((f) => f.endsWith('.log')).length > 3, 'rolled into several segments')
    assert.deepEqual(drain(s), Array.from({ length: 50 }, (_, i) => i))
    assert.ok(s.isEmpty())
    assert.equal(readdirSync(dir).filter((f) => f.endsWith('.log')).length, 1)
    s.close()
  })

  it('survives a restart: unreplayed records come back, replayed ones do not', async () => {
    const dir = freshDir()
    const a = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_024 })
    for (let i = 0; i < 30; i++) await a.append([rec(i)])
    const first = a.peek(10)
    assert.ok(first)
    const n = first.records.length
    assert.deepEqual(seqs(first.records), Array.from({ length: n }, (_, i) => i))
    a.commit(first.next)
    a.close() // as after a crash: nothing more than what append() already fsync'd
    const b = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_024 })
    assert.deepEqual(drain(b), Array.from({ length: 30 - n }, (_, i) => i + n))
    b.close()
  })

  it('cuts a torn tail (crash mid-write) at the last whole frame', async () => {
    const dir = freshDir()
    const a = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20 })
    await a.append([rec(1), rec(2)])
    a.close()
    const seg = readdirSync(dir).find((f) => f.endsWith('.log')) as string
    appendFileSync(join(dir, seg), Buffer.from([0, 0, 0, 50, 1, 2, 3, 4, 123, 34]))
    const b = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1 << 20 })
    await b.append([rec(3)])
    assert.deepEqual(drain(b), [1, 2, 3])
    b.close()
  })

  it('refuses appends beyond its bound (the gateway then stops acknowledging)', async () => {
    const s = Spool.open({ dir: freshDir(), maxBytes: 1_000, segmentBytes: 1_000 })
    let stored = 0
    for (let i = 0; i < 50; i++) {
      try {
        await s.append([rec(i)])
        stored++
      } catch (e) {
        assert.equal((e as { code: string }).code, 'GW_ERR_SPOOL_FULL')
      }
    }
    assert.ok(stored > 0 && stored < 50)
    assert.ok(s.bytes <= 1_000)
    assert.deepEqual(drain(s), Array.from({ length: stored }, (_, i) => i))
    await s.append([rec(99)])
    s.close()
  })

  it('a corrupt frame in a closed segment skips the rest of that segment, replay goes on', async () => {
    const dir = freshDir()
    const a = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_024 })
    for (let i = 0; i < 20; i++) await a.append([rec(i)])
    a.close()
    const first = readdirSync(dir).filter((f) => f.endsWith('.log')).sort()[0] as string
    const bytes = readFileSync(join(dir, first))
    bytes[200] = (bytes[200] as number) ^ 0xff
    writeFileSync(join(dir, first), bytes)
    const b = Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 1_024 })
    const got: number[] = []
    for (let batch = b.peek(50); batch; batch = b.peek(50)) {
      got.push(...seqs(batch.records))
      b.commit(batch.next)
    }
    assert.ok(got.length > 0 && got.length < 20)
    assert.equal(got.at(-1), 19, 'records after the damaged segment are replayed')
    assert.deepEqual(got, [...got].sort((x, y) => x - y), 'in order')
    b.close()
  })
})
