// Writes publishes as NDJSON through a 1 MiB byte buffer with synchronous writes: the engine runs
// flat out in --out mode and must not queue unbounded async writes. Lines are UTF-8-encoded
// straight into the buffer (no string concatenation, which left ropes for the GC to flatten), and
// telemetry of byte-encoded dialects is written as bytes from the reading (telemetry-line.ts).
import { closeSync, openSync, writeSync } from 'node:fs'
import type { DeviceOutput, SessionEvent } from '../device/device-spec.ts'
import { SimError } from '../errors.ts'
import { ByteWriter, SLACK } from './byte-writer.ts'
import { sessionNdjsonLine, toNdjsonLine, type PublishRecord } from './publish-record.ts'
import { writeTelemetryLine, type TelemetryView } from './telemetry-line.ts'

const SIZE = 1 << 20
/**
 * Room kept free for one fast-path telemetry line: its payload fits the client's packet buffer
 * (at most 1024 bytes, client-kind.ts), at most doubled by escaping, plus the decoded reading.
 */
const LINE_RESERVE = 16 << 10
const pause = new Int32Array(new SharedArrayBuffer(4))

export class NdjsonSink implements DeviceOutput {
  private readonly fd: number
  private readonly ownsFd: boolean
  private readonly buf = Buffer.allocUnsafe(SIZE + SLACK)
  private readonly w = new ByteWriter(this.buf)
  lines = 0
  /** write session changes too (--out-sessions) */
  private readonly sessions: boolean

  constructor(path: string, opts: { sessions?: boolean } = {}) {
    this.sessions = opts.sessions ?? false
    if (path === '-') {
      this.fd = 1
      this.ownsFd = false
    } else {
      try {
        this.fd = openSync(path, 'w')
      } catch (cause) {
        throw new SimError('SIM_ERR_IO', `cannot write ${path}: ${(cause as Error).message}`, { cause })
      }
      this.ownsFd = true
    }
  }

  publish(r: PublishRecord): void {
    this.line(toNdjsonLine(r))
  }

  telemetry(v: TelemetryView): void {
    if (this.w.pos + LINE_RESERVE > SIZE) this.flush()
    writeTelemetryLine(this.w, v)
    this.lines++
  }

  session(e: SessionEvent): void {
    if (this.sessions) this.line(sessionNdjsonLine(e))
  }

  private line(line: string): void {
    // worst case 3 bytes per UTF-16 unit, plus the newline
    if (this.w.pos + line.length * 3 + 1 > SIZE) {
      this.flush()
      if (line.length * 3 + 1 > SIZE) {
        writeSync(this.fd, `${line}\n`)
        this.lines++
        return
      }
    }
    const w = this.w
    w.pos += this.buf.write(line, w.pos, 'utf8')
    this.buf[w.pos++] = 10
    this.lines++
  }

  flush(): void {
    let off = 0
    const used = this.w.pos
    while (off < used) {
      try {
        off += writeSync(this.fd, this.buf, off, used - off)
      } catch (e) {
        // stdout on a pipe is non-blocking in Node: `--out - | sha256sum` hit EAGAIN once the
        // reader fell behind. Sleep 1 ms (not a busy loop) and retry; anything else is an error.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
        Atomics.wait(pause, 0, 0, 1)
      }
    }
    this.w.pos = 0
  }

  close(): void {
    this.flush()
    if (this.ownsFd) closeSync(this.fd)
  }
}
