// Spool mode with a primary that can be made unreachable on demand (the real Kafka is shared and
// must not be stopped by unit tests; the kafka-down test against the real server is separate):
// failing sends are spooled and acknowledged, later writes follow into the spool, and everything
// is replayed in order once the primary is back, also after a restart.
import { strict as assert } from 'node:assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, it } from 'node:test'
import { systemClock } from '../../../gateway/clock.ts'
import { AppError } from '../../../gateway/errors.ts'
import { Spool } from '../../../gateway/sink/spool.ts'
import { SpoolingSink } from '../../../gateway/sink/spooling-sink.ts'
import type { SinkRecord, SinkStatus, TelemetrySink } from '../../../gateway/sink/telemetry-sink.ts'

class SwitchableSink implements TelemetrySink {
  readonly got: SinkRecord[] = []
  down = false
  async write(records: readonly SinkRecord[]): Promise<void> {
    await new Promise((r) => setTimeout(r, 2))
    if (this.down) throw new AppError('GW_ERR_KAFKA_TIMEOUT', 'down', { retriable: true })
    this.got.push(...records)
  }
  status(): SinkStatus {
    return { accepting: !this.down, kafkaReachable: !this.down, spoolBytes: 0, spoolLimitBytes: 0 }
  }
  async close(): Promise<void> {}
}

/** Reports Kafka reachable yet times out: what a send to a just-killed broker looks like. */
class TimingOutSink extends SwitchableSink {
  override status(): SinkStatus {
    return { accepting: true, kafkaReachable: true, spoolBytes: 0, spoolLimitBytes: 0 }
  }
}

const rec = (i: number): SinkRecord => ({ stream: 'readings', key: 'd', value: JSON.stringify({ seq: i }) })
const seqs = (rs: SinkRecord[]): number[] => rs.map((r) => (JSON.parse(r.value) as { seq: number }).seq)
const until = async (cond: () => boolean, ms = 5_000): Promise<void> => {
  const end = Date.now() + ms
  while (!cond()) {
    if (Date.now() > end) throw new Error('condition not reached')
    await new Promise((r) => setTimeout(r, 10))
  }
}

describe('SpoolingSink', () => {
  const dir = mkdtempSync(join(tmpdir(), 'gw-spooling-'))
  after(() => rmSync(dir, { recursive: true, force: true }))
  const open = (primary: TelemetrySink) =>
    new SpoolingSink({ primary, spool: Spool.open({ dir, maxBytes: 1 << 20, segmentBytes: 4_096 }), clock: systemClock, replayRetryMs: 20 })

  it('acks from the spool while the primary is down, then replays everything in order', async () => {
    const primary = new SwitchableSink()
    const sink = open(primary)
    await sink.write([rec(0)])
    primary.down = true
    for (let i = 1; i <= 40; i++) await sink.write([rec(i)]) // every one resolves: durable on disk
    assert.equal(sink.mode, 'spooling')
    assert.ok(sink.status().spoolBytes > 0)
    primary.down = false
    await until(() => sink.mode === 'direct')
    await sink.write([rec(41)])
    assert.deepEqual(seqs(primary.got), Array.from({ length: 42 }, (_, i) => i))
    assert.equal(sink.status().spoolBytes, 0)
    await sink.close()
  })

  // Regression: the replay loop once started before the failed write's append, found the spool
  // empty, went back to direct mode, and the record stayed on disk with nothing to replay it.
  it('a single failed write is replayed once the primary is back, with no further writes', async () => {
    const primary = new TimingOutSink()
    const sink = open(primary)
    primary.down = true
    await sink.write([rec(100)])
    primary.down = false
    await until(() => primary.got.length === 1)
    assert.deepEqual(seqs(primary.got), [100])
    await until(() => sink.status().spoolBytes === 0)
    await sink.close()
  })

  it('writes failing around the moment the spool drains are all replayed', async () => {
    const primary = new TimingOutSink()
    const sink = open(primary)
    for (let round = 0; round < 20; round++) {
      primary.down = true
      await Promise.all([sink.write([rec(round * 3)]), sink.write([rec(round * 3 + 1)]), sink.write([rec(round * 3 + 2)])])
      primary.down = false
      await new Promise((r) => setTimeout(r, round % 4))
    }
    await until(() => primary.got.length === 60)
    assert.deepEqual(seqs(primary.got).sort((a, b) => a - b), Array.from({ length: 60 }, (_, i) => i))
    await sink.close()
  })

  it('what was spooled before a restart is replayed by the next process', async () => {
    const p1 = new SwitchableSink()
    p1.down = true
    const a = open(p1)
    for (let i = 100; i < 110; i++) await a.write([rec(i)])
    await a.close()
    const p2 = new SwitchableSink()
    const b = open(p2)
    await until(() => b.mode === 'direct')
    assert.deepEqual(seqs(p2.got), Array.from({ length: 10 }, (_, i) => 100 + i))
    await b.close()
  })

  it('a full spool refuses the write: not durable, so not acknowledged', async () => {
    const d2 = mkdtempSync(join(tmpdir(), 'gw-spooling-full-'))
    try {
      const primary = new SwitchableSink()
      primary.down = true
      const sink = new SpoolingSink({ primary, spool: Spool.open({ dir: d2, maxBytes: 4_096, segmentBytes: 4_096 }), clock: systemClock, replayRetryMs: 20 })
      let refused = 0
      for (let i = 0; i < 200; i++) await sink.write([rec(i)]).catch((e: { code: string }) => (assert.equal(e.code, 'GW_ERR_SPOOL_FULL'), refused++))
      assert.ok(refused > 0)
      assert.equal(sink.status().accepting, false)
      await sink.close()
    } finally {
      rmSync(d2, { recursive: true, force: true })
    }
  })
})
