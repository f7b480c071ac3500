// Writes publishes as NDJSON through a 1 MiB byte buffer with synchronous writes: the engine runs
// flat out in --out mode and must not queue unbounded async writes. Lines are UTF-8-encoded
// straight into the buffer (no string concatenation, which left ropes for the GC to flatten).
import { closeSync, openSync, writeSync } from 'node:fs'
import type { DeviceOutput, SessionEvent } from '../device/device-spec.ts'
import { SimError } from '../errors.ts'
import { toNdjsonLine, type PublishRecord } from './publish-record.ts'

const SIZE = 1 << 20

export class NdjsonSink implements DeviceOutput {
  private readonly fd: number
  private readonly ownsFd: boolean
  private readonly buf = Buffer.allocUnsafe(SIZE)
  private used = 0
  lines = 0

  constructor(path: string) {
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
    const line = toNdjsonLine(r)
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

  session(_e: SessionEvent): void {}

  flush(): void {
    let off = 0
    while (off < this.used) off += writeSync(this.fd, this.buf, off, this.used - off)
    this.used = 0
  }

  close(): void {
    this.flush()
    if (this.ownsFd) closeSync(this.fd)
  }
}
