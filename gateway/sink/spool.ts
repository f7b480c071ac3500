// The on-disk spool used while Kafka is unreachable (EMQX replayq-style, but never dropping):
// append-only segment files of frames [u32 length][u32 crc32][JSON record], fdatasync'd before an
// append resolves (group commit: one sync for every append queued meanwhile). Bounded: an append
// that would exceed `maxBytes` is refused (GW_ERR_SPOOL_FULL) and the gateway stops acknowledging.
// Replay reads from the head in order; `commit` advances the head (persisted in head.json) and
// deletes consumed segments. On open, a torn tail (crash mid-write) is truncated at the last
// whole frame, so the spool survives a SIGKILL with every acknowledged record intact.
import { crc32 } from 'node:zlib'
import { closeSync, fdatasyncSync, fsyncSync, ftruncateSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { AppError } from '../errors.ts'
import type { SinkRecord } from './telemetry-sink.ts'

export interface SpoolOptions {
  dir: string
  maxBytes: number
  segmentBytes: number
}
export interface Position {
  segment: number
  offset: number
}

const HEADER = 8
const segName = (n: number): string => `seg-${String(n).padStart(12, '0')}.log`

export function encodeFrames(records: readonly SinkRecord[]): Buffer {
  const parts: Buffer[] = []
  for (const r of records) {
    const payload = Buffer.from(JSON.stringify(r))
    const h = Buffer.allocUnsafe(HEADER)
    h.writeUInt32BE(payload.length, 0)
    h.writeUInt32BE(crc32(payload), 4)
    parts.push(h, payload)
  }
  return Buffer.concat(parts)
}

/** Whole valid frames in `buf` from the start: records and bytes consumed. */
export function decodeFrames(buf: Buffer, maxRecords = Infinity): { records: SinkRecord[]; used: number } {
  const records: SinkRecord[] = []
  let at = 0
  while (records.length < maxRecords && at + HEADER <= buf.length) {
    const len = buf.readUInt32BE(at)
    if (at + HEADER + len > buf.length) break
    const payload = buf.subarray(at + HEADER, at + HEADER + len)
    if (crc32(payload) !== buf.readUInt32BE(at + 4)) break
    records.push(JSON.parse(payload.toString()) as SinkRecord)
    at += HEADER + len
  }
  return { records, used: at }
}

interface QueuedAppend {
  buf: Buffer
  resolve: () => void
  reject: (e: Error) => void
}

export class Spool {
  readonly #o: SpoolOptions
  #segments: number[] = []
  #sizes = new Map<number, number>()
  #head: Position = { segment: 0, offset: 0 }
  #fd = -1
  #queue: QueuedAppend[] = []
  #queuedBytes = 0
  #writing = false

  private constructor(o: SpoolOptions) {
    this.#o = o
  }

  static open(o: SpoolOptions): Spool {
    const s = new Spool(o)
    s.#load()
    return s
  }

  get limitBytes(): number {
    return this.#o.maxBytes
  }
  /** bytes not yet replayed, including appends still being written */
  get bytes(): number {
    let total = this.#queuedBytes
    for (const seg of this.#segments) total += (this.#sizes.get(seg) ?? 0) - (seg === this.#head.segment ? this.#head.offset : 0)
    return total
  }
  isEmpty(): boolean {
    return this.bytes === 0
  }

  append(records: readonly SinkRecord[]): Promise<void> {
    const buf = encodeFrames(records)
    if (this.bytes + buf.length > this.#o.maxBytes) {
      return Promise.reject(new AppError('GW_ERR_SPOOL_FULL', `spool full (${this.bytes} of ${this.#o.maxBytes} bytes)`, { retriable: true }))
    }
    this.#queuedBytes += buf.length
    return new Promise((resolve, reject) => {
      this.#queue.push({ buf, resolve, reject })
      if (!this.#writing) setImmediate(() => this.#drain())
      this.#writing = true
    })
  }

  #drain(): void {
    const batch = this.#queue
    this.#queue = []
    if (batch.length === 0) {
      this.#writing = false
      return
    }
    try {
      const buf = Buffer.concat(batch.map((q) => q.buf))
      const seg = this.#current()
      if ((this.#sizes.get(seg) ?? 0) > 0 && (this.#sizes.get(seg) ?? 0) + buf.length > this.#o.segmentBytes) this.#roll()
      const cur = this.#current()
      writeSync(this.#fd, buf)
      fdatasyncSync(this.#fd) // durable before any PUBACK depends on it
      this.#sizes.set(cur, (this.#sizes.get(cur) ?? 0) + buf.length)
      this.#queuedBytes -= buf.length
      for (const q of batch) q.resolve()
    } catch (err) {
      for (const q of batch) this.#queuedBytes -= q.buf.length
      const e = new AppError('GW_ERR_SPOOL_IO', `spool write failed: ${(err as Error).message}`, { cause: err, retriable: true })
      for (const q of batch) q.reject(e)
    }
    setImmediate(() => this.#drain())
  }

  /** Up to `maxRecords` records from the head, in append order, and the position after them. */
  peek(maxRecords: number, maxBytes = 1 << 20): { records: SinkRecord[]; next: Position } | null {
    let { segment, offset } = this.#head
    for (;;) {
      const size = this.#sizes.get(segment) ?? 0
      if (offset < size) break
      const later = this.#segments.find((s) => s > segment)
      if (later === undefined) return null
      segment = later
      offset = 0
    }
    const size = this.#sizes.get(segment) ?? 0
    const want = Math.min(size - offset, maxBytes)
    const fd = openSync(join(this.#o.dir, segName(segment)), 'r')
    try {
      let buf = Buffer.allocUnsafe(want)
      readSync(fd, buf, 0, want, offset)
      let { records, used } = decodeFrames(buf, maxRecords)
      if (records.length === 0 && want >= HEADER) {
        // one frame larger than maxBytes: read exactly it, if its length is plausible
        const len = buf.readUInt32BE(0)
        if (HEADER + len <= size - offset) {
          buf = Buffer.allocUnsafe(HEADER + len)
          readSync(fd, buf, 0, buf.length, offset)
          ;({ records, used } = decodeFrames(buf, 1))
        }
      }
      // Only a closed segment can hold a bad frame here (the open one is repaired at load):
      // skip the rest of it, reported by an empty batch, rather than stall replay for ever.
      if (records.length === 0) return { records, next: { segment, offset: size } }
      return { records, next: { segment, offset: offset + used } }
    } finally {
      closeSync(fd)
    }
  }

  /** Records up to `next` are in Kafka: advance the head and delete consumed segments. */
  commit(next: Position): void {
    this.#head = next
    for (const seg of [...this.#segments]) {
      if (seg < next.segment) {
        rmSync(join(this.#o.dir, segName(seg)), { force: true })
        this.#segments = this.#segments.filter((s) => s !== seg)
        this.#sizes.delete(seg)
      }
    }
    const cur = this.#current()
    if (next.segment === cur && next.offset === this.#sizes.get(cur) && next.offset > 0 && !this.#writing) {
      this.#roll()
      rmSync(join(this.#o.dir, segName(cur)), { force: true })
      this.#segments = this.#segments.filter((s) => s !== cur)
      this.#sizes.delete(cur)
      this.#head = { segment: this.#current(), offset: 0 }
    }
    const tmp = join(this.#o.dir, 'head.json.tmp')
    writeFileSync(tmp, JSON.stringify(this.#head))
    renameSync(tmp, join(this.#o.dir, 'head.json'))
  }

  close(): void {
    if (this.#fd >= 0) {
      fsyncSync(this.#fd)
      closeSync(this.#fd)
      this.#fd = -1
    }
  }

  #current(): number {
    return this.#segments.at(-1) as number
  }

  #roll(): void {
    const next = this.#current() + 1
    fsyncSync(this.#fd)
    closeSync(this.#fd)
    this.#fd = openSync(join(this.#o.dir, segName(next)), 'a')
    this.#syncDir()
    this.#segments.push(next)
    this.#sizes.set(next, 0)
  }

  #syncDir(): void {
    const d = openSync(this.#o.dir, 'r')
    try {
      fsyncSync(d)
    } finally {
      closeSync(d)
    }
  }

  #load(): void {
    mkdirSync(this.#o.dir, { recursive: true })
    this.#segments = readdirSync(this.#o.dir)
      .map((f) => /^seg-(\d{12})\.log$/.exec(f)?.[1])
      .filter((n): n is string => n !== undefined)
      .map(Number)
      .sort((a, b) => a - b)
    let head: Position | null = null
    try {
      head = JSON.parse(readFileSync(join(this.#o.dir, 'head.json'), 'utf8')) as Position
    } catch {
      head = null
    }
    if (this.#segments.length === 0) this.#segments = [head?.segment ?? 1]
    for (const seg of this.#segments) {
      const path = join(this.#o.dir, segName(seg))
      let size = 0
      try {
        size = statSync(path).size
      } catch {
        size = 0
      }
      if (seg === this.#current() && size > 0) {
        // a crash mid-append leaves a torn frame: keep only whole, checksummed frames
        const { used } = decodeFrames(readFileSync(path))
        if (used < size) {
          const fd = openSync(path, 'r+')
          ftruncateSync(fd, used)
          fsyncSync(fd)
          closeSync(fd)
          size = used
        }
      }
      this.#sizes.set(seg, size)
    }
    const first = this.#segments[0] as number
    this.#head = head && this.#segments.includes(head.segment) ? head : { segment: first, offset: 0 }
    if (this.#head.offset > (this.#sizes.get(this.#head.segment) ?? 0)) this.#head.offset = 0
    for (const seg of this.#segments.filter((s) => s < this.#head.segment)) {
      rmSync(join(this.#o.dir, segName(seg)), { force: true })
      this.#sizes.delete(seg)
    }
    this.#segments = this.#segments.filter((s) => s >= this.#head.segment)
    this.#fd = openSync(join(this.#o.dir, segName(this.#current())), 'a')
    this.#syncDir()
  }
}
