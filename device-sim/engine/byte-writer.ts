// Appends NDJSON text straight into a byte buffer. Building a line as one JS string left a rope of
// ~70 pieces per line that Buffer#write had to flatten and UTF-8-encode again (measured at about
// half a microsecond per line, more than the rest of the line's cost); constant pieces encoded
// once and copied four bytes at a time, and numbers written digit by digit, avoid both.
import { numberText } from '../dialects/number-text.ts'

const enc = new TextEncoder()

/** A constant piece of a line: its UTF-8 bytes packed little-endian into 32-bit words. */
export class Bytes {
  readonly length: number
  readonly words: Uint32Array

  constructor(b: Uint8Array) {
    this.length = b.length
    const padded = new Uint8Array(Math.ceil(b.length / 4) * 4)
    padded.set(b)
    this.words = new Uint32Array(padded.length / 4)
    const dv = new DataView(padded.buffer)
    for (let i = 0; i < this.words.length; i++) this.words[i] = dv.getUint32(i * 4, true)
  }
}

/** The UTF-8 bytes of a constant piece of a line, encoded once. */
export const utf8 = (s: string): Bytes => new Bytes(enc.encode(s))

/**
 * Room a writer may scribble past its position: the padding of the last word of a piece (4 bytes
 * here, 8 in a line template's pieces, dialects/native-line.ts).
 */
export const SLACK = 8

export class ByteWriter {
  readonly buf: Uint8Array
  /** a view of `buf` for word stores (line templates copy their pieces through it too) */
  readonly dv: DataView
  pos = 0

  /** `buf` needs SLACK bytes beyond the last one written */
  constructor(buf: Uint8Array) {
    this.buf = buf
    this.dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  }

  /**
   * Word stores through a DataView, inlined by the JIT: about twice as fast as a byte loop or
   * TypedArray#set for the short keys most pieces are. The last word may write up to 3 bytes past
   * the piece; the next write overwrites them, and nothing past `pos` is ever output.
   */
  bytes(b: Bytes): void {
    const w = b.words
    const dv = this.dv
    let p = this.pos
    for (let i = 0; i < w.length; i++) {
      dv.setUint32(p, w[i] as number, true)
      p += 4
    }
    this.pos += b.length
  }

  /** A short string of ASCII characters only (number texts); no check, so callers guarantee it. */
  ascii(s: string): void {
    const buf = this.buf
    let p = this.pos
    for (let i = 0; i < s.length; i++) buf[p++] = s.charCodeAt(i)
    this.pos = p
  }

  /** String(n) for a safe integer (no exponent, and -0 prints as 0, as String does). */
  int(n: number): void {
    let x = n
    if (x < 0) {
      this.buf[this.pos++] = 45 // '-'
      x = -x
    }
    if (x < 1e9) this.small(x)
    else {
      // epoch milliseconds: the high part, then the low 9 digits zero-padded, each in int32
      // arithmetic (a double division per digit was a visible cost)
      const hi = Math.floor(x / 1e9)
      this.small(hi)
      this.digits(x - hi * 1e9, 9)
    }
  }

  /** 0 ≤ x < 1e9 without leading zeros. */
  private small(x: number): void {
    let len = 1
    for (let k = 10; k <= x; k *= 10) len++
    this.digits(x, len)
  }

  /** The low `len` decimal digits of 0 ≤ x < 2^31, zero-padded. */
  private digits(x: number, len: number): void {
    const buf = this.buf
    let v = x | 0
    const end = this.pos + len
    for (let i = end - 1; i >= this.pos; i--) {
      const q = (v / 10) | 0
      buf[i] = 48 + v - q * 10
      v = q
    }
    this.pos = end
  }

  /** String(v), for a number a template literal would interpolate. */
  str(v: number): void {
    if (Number.isSafeInteger(v)) this.int(v)
    else this.ascii(String(v))
  }

  /** A JSON number as String(v) writes it, null when not finite (the `num` of toNdjsonLine). */
  num(v: number): void {
    if (Number.isFinite(v)) this.str(v)
    else this.ascii('null')
  }

  /** A sensor value: repeats often, so through numberText's cache. Finite values only. */
  value(v: number): void {
    this.ascii(numberText(v))
  }
}

/** String(v).length without building the string. */
export function textLength(v: number): number {
  if (!Number.isSafeInteger(v)) return String(v).length
  let x = v
  let len = 1
  if (x < 0) {
    len++
    x = -x
  }
  for (let k = 10; k <= x; k *= 10) len++
  return len
}
