// Writes publishes as NDJSON through a 1 MiB byte buffer with synchronous writes: the engine runs
// flat out in --out mode and must not queue unbounded async writes. Lines are UTF-8-encoded
// straight into the buffer (no string concatenation, which left ropes for the GC to flatten).
import { closeSync, openSync, writeSync } from 'node:fs'
import type { DeviceOutput, SessionEvent } from '../device/device-spec.ts'
import { SimError } from '../errors.ts'
import { sessionNdjsonLine, toNdjsonLine, type PublishRecord } from './publish-record.ts'

const SIZE = 1 << 20
const pause = new Int32Array(new SharedArrayBuffer(4))

export class NdjsonSink implements DeviceOutput {
  private readonly fd: number
  private readonly ownsFd: boolean
  private readonly buf = Buffer.allocUnsafe(SIZE)
  private used = 0
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

  session(e: SessionEvent): void {
    if (this.sessions) this.line(sessionNdjsonLine(e))
  }

  private line(line: string): void {
    // worst case 3 bytes per UTF-16 unit, plus the newline
    if (this.used + line.length * 3 + 1 > SIZE) {
      this.flush()
      if (line.length * 3 + 1 > SIZE) {
        writeSync(this.fd, `${line}\n`)
        this.lines++
        return
      }
    }
    this.used += this.buf.write(line, this.used, 'utf8')
    this.buf[this.used++] = 10
    this.lines++
  }

  flush(): void {
    let off = 0
    while (off < this.used) {
      try {
        off += writeSync(this.fd, this.buf, off, this.used - off)
      } catch (e) {
        // stdout on a pipe is non-blocking in Node: `--out - | sha256sum` hit EAGAIN once the
        // reader fell behind. Sleep 1 ms (not a busy loop) and retry; anything else is an error.
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
        Atomics.wait(pause, 0, 0, 1)
      }
    }
    this.used = 0
  }

  close(): void {
    this.flush()
    if (this.ownsFd) closeSync(this.fd)
  }
}
