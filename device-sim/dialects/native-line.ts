// A device's whole --out telemetry line in the native dialect as a template: the constant bytes
// (device id, topic, keys, the escaped payload's keys) are encoded once per device, and a reading
// only writes its numbers. Each number's digits are computed once and stored both in the payload
// and in the decoded reading (the same text: no number in a payload is escaped). The bytes equal
// writeTelemetryLine's generic path (native-bytes.ts + telemetry-line.ts), which in turn equals
// toNdjsonLine(); a reading the template cannot write exactly (a failed channel, a value that is not
// a plain quantized decimal) is refused by load() and takes that path.
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import type { ByteWriter } from '../engine/byte-writer.ts'
import { decimalsOf } from '../sensor/quantize.ts'
import type { LineTemplate, LineTemplateParts, ReadingInput } from './dialect-types.ts'
import { decimalLength, digitCount, MAX_DECIMALS, PAIRS, POW10, splitFixed } from './fixed-decimal.ts'

// number slots of a line
const AT = 0
const SEQ = 1
const BOOT = 2
const TS = 3
const VALUES = 4
/** widest integer text (a negative safe integer) and widest fixed decimal (sign, 10 digits, point) */
const INT_MAX_LEN = 17
const FIXED_MAX_LEN = 12

// Every line's numbers as m·10^−d, shared by all templates (one reading is written at a time).
const SLOTS = 64
const ms = new Float64Array(SLOTS)
const ds = new Int32Array(SLOTS)

const isInt = Number.isSafeInteger
/** seq, boot and RSSI: their code has no case for epoch-sized numbers (a larger one takes the generic path) */
const isSmallInt = (x: number): boolean => isInt(x) && x <= 2_147_483_647 && x >= -2_147_483_647
/** a piece of the payload inside its JSON string literal (only quotes need escaping here) */
const esc = (raw: string): string => JSON.stringify(raw).slice(1, -1)

export class NativeLine implements LineTemplate {
  private readonly hasBattery: boolean
  private readonly hasRssi: boolean
  private readonly nch: number
  private readonly batterySlot: number
  private readonly rssiSlot: number
  /** per channel: 10^decimals and decimals of its quantizer */
  private readonly scales: Float64Array
  private readonly decimals: Int32Array
  /** the line up to the payload's seq: the device's own text */
  private readonly head: Chunks
  /** the rest, the same for every device of its shape (one copy stays in cache) */
  private readonly body: Body
  /** writes the chunks and numbers of head and body (compiled per layout) */
  private readonly writeLine: LineWriter
  /** bytes of the payload without its numbers */
  private readonly payloadConst: number
  readonly maxPayloadBytes: number

  constructor(x: LineTemplateParts) {
    const p = x.profile
    this.hasBattery = x.hasBattery
    this.hasRssi = x.hasRssi
    const nch = p.channels.length
    this.nch = nch
    this.batterySlot = VALUES + nch
    this.rssiSlot = VALUES + nch + 1
    if (this.rssiSlot >= SLOTS) throw new Error(`profile ${p.id}: too many channels for a line template`)
    this.decimals = Int32Array.from(p.channels, (c) => Math.min(MAX_DECIMALS, decimalsOf(c.resolution.value)))
    this.scales = Float64Array.from(this.decimals, (d) => 10 ** d)

    const segs: { text: string; slot: number }[] = []
    let text = ''
    let payloadConst = 0
    const lit = (s: string): void => {
      text += s
    }
    const payload = (raw: string): void => {
      text += esc(raw)
      payloadConst += Buffer.byteLength(raw)
    }
    const num = (slot: number): void => {
      segs.push({ text, slot })
      text = ''
    }
    lit('{"publishedAt":')
    num(AT)
    lit(`${x.head}"`)
    payload('{"seq":')
    num(SEQ)
    payload(',"boot":')
    num(BOOT)
    payload(',"ts":')
    num(TS)
    payload(`,"sensor":"${p.id}"`)
    p.channels.forEach((c, i) => {
      payload(`,"${c.metric}":`)
      num(VALUES + i)
    })
    if (x.hasBattery) {
      payload(',"battery":')
      num(this.batterySlot)
    }
    if (x.hasRssi) {
      payload(',"rssi":')
      num(this.rssiSlot)
    }
    payload('}')
    lit('","reading":{"seq":')
    num(SEQ)
    lit(',"boot":')
    num(BOOT)
    lit(',"eventTime":')
    num(TS)
    lit(',"sampledAt":')
    num(AT)
    lit(x.sensor)
    p.channels.forEach((c, i) => {
      lit(`${i === 0 ? '' : ','}"${c.metric}":`)
      num(VALUES + i)
    })
    lit('}')
    if (x.hasBattery) {
      lit(',"battery":')
      num(this.batterySlot)
    }
    if (x.hasRssi) {
      lit(',"rssi":')
      num(this.rssiSlot)
    }
    this.payloadConst = payloadConst
    // the head's two segments hold the first appearances of AT and SEQ, so the body's chunks do
    // not depend on the device
    const seen = new Set<number>()
    this.head = chunksOf(segs.slice(0, 2), seen)
    let shapes = bodies.get(p)
    if (shapes === undefined) {
      shapes = new Map()
      bodies.set(p, shapes)
    }
    const key = `${x.hasBattery}|${x.hasRssi}|${x.sensor}`
    let body = shapes.get(key)
    if (body === undefined) {
      body = { chunks: chunksOf(segs.slice(2), seen), tail: text, tailNull: pack8(`${text},"fault":null},"chaos":null}\n`), tails: new Map() }
      shapes.set(key, body)
    }
    this.body = body
    this.writeLine = compile(this.head, body.chunks, (slot) => (slot === AT || slot === TS ? TIME : slot < VALUES || slot === this.rssiSlot ? SMALL_INT : DECIMAL))
    this.maxPayloadBytes = payloadConst + 3 * INT_MAX_LEN + nch * FIXED_MAX_LEN + (x.hasBattery ? FIXED_MAX_LEN : 0) + (x.hasRssi ? INT_MAX_LEN : 0)
  }

  load(r: ReadingInput): boolean {
    if ((r.battery !== undefined) !== this.hasBattery || (r.rssi !== undefined) !== this.hasRssi) return false
    if (!isSmallInt(r.seq) || !isSmallInt(r.boot) || !isInt(r.deviceTime)) return false
    ms[SEQ] = r.seq
    ds[SEQ] = 0
    ms[BOOT] = r.boot
    ds[BOOT] = 0
    ms[TS] = r.deviceTime
    ds[TS] = 0
    const values = r.values
    const scales = this.scales
    const decimals = this.decimals
    for (let i = 0; i < this.nch; i++) {
      if (!splitFixed(values[i] as number, scales[i] as number, decimals[i] as number, ms, ds, VALUES + i)) return false
    }
    // the battery is reported to 0.01 V (battery.ts)
    if (this.hasBattery && !splitFixed(r.battery as number, 100, 2, ms, ds, this.batterySlot)) return false
    if (this.hasRssi) {
      const rssi = r.rssi as number
      if (!isSmallInt(rssi)) return false
      ms[this.rssiSlot] = rssi
      ds[this.rssiSlot] = 0
    }
    return true
  }

  /** Buffer.byteLength of the loaded reading's payload. */
  payloadBytes(): number {
    let n = this.payloadConst + decimalLength(ms[SEQ] as number, 0) + decimalLength(ms[BOOT] as number, 0) + decimalLength(ms[TS] as number, 0)
    for (let i = VALUES; i < VALUES + this.nch; i++) n += decimalLength(ms[i] as number, ds[i] as number)
    if (this.hasBattery) n += decimalLength(ms[this.batterySlot] as number, ds[this.batterySlot] as number)
    if (this.hasRssi) n += decimalLength(ms[this.rssiSlot] as number, 0)
    return n
  }

  /** The line of the loaded reading, published (and sampled) at `publishedAt`, newline included. */
  write(w: ByteWriter, publishedAt: number, fault: string | null): void {
    ms[AT] = publishedAt
    ds[AT] = 0
    const buf = w.buf
    const dv = w.dv
    const body = this.body
    const p = this.writeLine(buf, dv, this.head.words, body.chunks.words, w.pos)
    const tail = fault === null ? body.tailNull : tailOf(body, fault)
    const tw = tail.words
    for (let j = 0; j < tw.length; j++) dv.setFloat64(p + 8 * j, tw[j] as number, true)
    w.pos = p + tail.length
  }
}

/** The constant text between numbers: per segment its length, its words (pack8) and the number after it. */
interface Chunks {
  words: Float64Array
  lengths: Int32Array
  /** per segment: its first word */
  first: Int32Array
  /** per segment: the slot of the number after it (≥ 0), or ~slot where that number appears again */
  ops: Int32Array
}

/** The line after the head, per profile and shape. */
interface Body {
  chunks: Chunks
  /** the text after the last number, and with the fault key and the line's end */
  tail: string
  tailNull: Packed
  tails: Map<string, Packed>
}

const bodies = new WeakMap<FirmwareProfile, Map<string, Body>>()

/** `segs` as chunks; `seen` holds the slots already written before them, and gets theirs. */
function chunksOf(segs: readonly { text: string; slot: number }[], seen: Set<number>): Chunks {
  // made for every device of a fleet, so without an array per segment
  const words: number[] = []
  const lengths: number[] = []
  const first: number[] = []
  const ops: number[] = []
  for (const seg of segs) {
    const n = encode(seg.text)
    first.push(words.length)
    packWords(0, Math.ceil(n / 8) * 8, words)
    lengths.push(n)
    ops.push(seen.has(seg.slot) ? ~seg.slot : seg.slot)
    seen.add(seg.slot)
  }
  return { words: Float64Array.from(words), lengths: Int32Array.from(lengths), first: Int32Array.from(first), ops: Int32Array.from(ops) }
}

type LineWriter = (buf: Uint8Array, dv: DataView, head: Float64Array, body: Float64Array, pos: number) => number
const writers = new Map<string, LineWriter>()

/**
 * The writes of a line layout as straight-line code, every index and length a constant: first each
 * number's length, so that every position in the line is known; then each segment of text with its
 * 8-byte stores; then each number's digits, computed once and stored at each place it appears (the
 * payload and the decoded reading). A loop over the segments (a copy loop of 1 to 13 words each,
 * reading length and kind per segment) and one digit writer for every slot mispredicted their
 * branches most of the time and cost several times the stores; here each segment and slot has its
 * own code, and a slot's length rarely changes from one line to the next. The code holds only
 * integers taken from the layout, and one function serves every device whose head has the same
 * lengths (ids of one length).
 */
function compile(head: Chunks, body: Chunks, kindOf: (slot: number) => Kind): LineWriter {
  const kinds = (c: Chunks): string => Array.from(c.ops, (op) => kindOf(op >= 0 ? op : ~op)).join('')
  const key = `${head.lengths.join()}/${head.ops.join()}/${body.lengths.join()}/${body.ops.join()}/${kinds(head)}${kinds(body)}`
  let f = writers.get(key)
  if (f === undefined) {
    const slots: number[] = []
    const places = new Map<number, string[]>()
    const text: string[] = []
    const emit = (c: Chunks, words: string): void => {
      for (let i = 0; i < c.ops.length; i++) {
        // up to 7 bytes past the segment are written too: the number after it is written later
        const n = c.lengths[i] as number
        const first = c.first[i] as number
        for (let k = 0; k < Math.ceil(n / 8); k++) text.push(`dv.setFloat64(p + ${8 * k}, ${words}[${first + k}], true)`)
        const op = c.ops[i] as number
        const slot = op >= 0 ? op : ~op
        if (!places.has(slot)) {
          places.set(slot, [])
          slots.push(slot)
        }
        const at = places.get(slot) as string[]
        const name = `at${slot}_${at.length}`
        at.push(name)
        text.push(`p += ${n}; const ${name} = p; p += len${slot}`)
      }
    }
    emit(head, 'head')
    emit(body, 'body')
    const code = [
      ...slots.map((slot) => LENGTH_CODE[kindOf(slot)](slot)),
      ...text,
      ...slots.map((slot) => DIGITS_CODE[kindOf(slot)](slot, places.get(slot) as string[])),
    ]
    const make = new Function('ms', 'ds', 'digitCount', 'PAIRS', 'POW10', `'use strict'\nreturn function writeLine(buf, dv, head, body, p) {\nlet i = 0, v = 0, r = 0\n${code.join('\n')}\nreturn p\n}`)
    f = make(ms, ds, digitCount, PAIRS, POW10) as LineWriter
    warmUp(f, slots, kindOf, head.words, body.words)
    writers.set(key, f)
  }
  return f
}

/** What a slot holds, and so the code of its number. */
const TIME = 0
const SMALL_INT = 1
const DECIMAL = 2
type Kind = typeof TIME | typeof SMALL_INT | typeof DECIMAL
const LENGTH_CODE = [intLengthCode, smallIntLengthCode, lengthCode] as const
const DIGITS_CODE = [intDigitsCode, headDigitsCode, digitsCode] as const

// a Buffer, as the NDJSON sink's: a kind of array the optimized code has not seen is a deopt of
// its own (a writer on a plain Uint8Array, as in tests, costs one)
const warmBuf = Buffer.alloc(1 << 14)
const warmView = new DataView(warmBuf.buffer, warmBuf.byteOffset, warmBuf.byteLength)
/** m, d of every kind of number a slot can hold: signs, epoch times, decimals, odd and even digit counts */
const WARM_TIME = [7, -12_345, 1_767_225_600_123, 123_456, -5, 98, -1_767_225_600_123, 2_147_483_647]
const WARM_SMALL_INT = [7, -12_345, 1_767_225_600, 123_456, -5, 98, -2_147_483_647, 2_147_483_647]
const WARM_DECIMAL: readonly (readonly [number, number])[] = [
  [7, 0],
  [-12_345, 2],
  [123_456, 3],
  [-5, 4],
  [98, 1],
  [2_147_483_647, 6],
  [-2_147_483_647, 0],
  [10_034_567, 4],
]

/**
 * Runs a new writer once on each kind of number before it serves a reading. The function is large,
 * and the optimizer, meeting a branch it had never seen taken (a sign, an odd digit count, an
 * epoch time before NTP sync), threw the code away and compiled it again: a few hundred
 * milliseconds of CPU each time in a run of about a second.
 */
function warmUp(f: LineWriter, slots: readonly number[], kindOf: (slot: number) => Kind, head: Float64Array, body: Float64Array): void {
  // the engine records what a function sees only from its first few calls on (lazy feedback
  // allocation), so each kind is run several times
  for (let round = 0; round < 8; round++) {
    for (let k = 0; k < WARM_TIME.length; k++) {
      for (const slot of slots) {
        const kind = kindOf(slot)
        const [m, d] = kind === DECIMAL ? (WARM_DECIMAL[k] as readonly [number, number]) : [(kind === TIME ? WARM_TIME[k] : WARM_SMALL_INT[k]) as number, 0]
        ms[slot] = m
        ds[slot] = d
      }
      f(warmBuf, warmView, head, body, 0)
    }
  }
}

// The code of a slot's number. Its text is a sign, then the digits of `hi`, then (a decimal) the
// point and the d decimals of `lo` zero-padded, or (an epoch time above 2^31) the nine low digits
// of `lo`; each part in int32 arithmetic. The length comes first, so every position in the line is
// known before any digit is written.

/** A quantized value or the battery: |m| < 2^31 (splitFixed), d decimals. */
function lengthCode(k: number): string {
  return `let x${k} = ms[${k}]; const d${k} = ds[${k}]; const neg${k} = x${k} < 0 ? 1 : 0; if (neg${k} === 1) x${k} = -x${k}
let hi${k} = x${k}, lo${k} = 0
if (d${k} > 0) { hi${k} = Math.floor(x${k} / POW10[d${k}]); lo${k} = x${k} - hi${k} * POW10[d${k}] }
const nhi${k} = digitCount(hi${k})
const len${k} = neg${k} + nhi${k} + (d${k} > 0 ? 1 + d${k} : 0)`
}

/** seq, boot or the RSSI: |x| < 2^31 (load). */
function smallIntLengthCode(k: number): string {
  return `let x${k} = ms[${k}]; const neg${k} = x${k} < 0 ? 1 : 0; if (neg${k} === 1) x${k} = -x${k}
const hi${k} = x${k}; const nhi${k} = digitCount(hi${k}); const len${k} = neg${k} + nhi${k}`
}

/** A time: any safe integer, an epoch time in milliseconds once the clock is set. */
function intLengthCode(k: number): string {
  return `let x${k} = ms[${k}]; const neg${k} = x${k} < 0 ? 1 : 0; if (neg${k} === 1) x${k} = -x${k}
let hi${k} = x${k}, lo${k} = 0, nlo${k} = 0
if (x${k} > 2147483647) { hi${k} = Math.floor(x${k} / 1e9); lo${k} = x${k} - hi${k} * 1e9; nlo${k} = 9 }
const nhi${k} = digitCount(hi${k})
const len${k} = neg${k} + nhi${k} + nlo${k}`
}

/** The sign and the digits of hi, at each of the slot's places. */
function headDigitsCode(k: number, at: readonly string[]): string {
  const each = (f: (a: string) => string): string => at.map(f).join('; ')
  return `if (neg${k} === 1) { ${each((a) => `buf[${a}] = 45`)} }
i = neg${k} + nhi${k}; v = hi${k} | 0
while (i - neg${k} >= 2) { r = (v % 100) << 1; v = (v / 100) | 0; i -= 2; ${each((a) => `buf[${a} + i] = PAIRS[r]; buf[${a} + i + 1] = PAIRS[r + 1]`)} }
if (i > neg${k}) { i--; ${each((a) => `buf[${a} + i] = 48 + v`)} }`
}

function digitsCode(k: number, at: readonly string[]): string {
  const each = (f: (a: string) => string): string => at.map(f).join('; ')
  return `${headDigitsCode(k, at)}
if (d${k} > 0) {
${each((a) => `buf[${a} + neg${k} + nhi${k}] = 46`)}
i = len${k}; v = lo${k} | 0
while (len${k} - i < d${k} - 1) { r = (v % 100) << 1; v = (v / 100) | 0; i -= 2; ${each((a) => `buf[${a} + i] = PAIRS[r]; buf[${a} + i + 1] = PAIRS[r + 1]`)} }
if (len${k} - i < d${k}) { i--; ${each((a) => `buf[${a} + i] = 48 + v`)} }
}`
}

function intDigitsCode(k: number, at: readonly string[]): string {
  const each = (f: (a: string) => string): string => at.map(f).join('; ')
  // the nine low digits of an epoch time: always nine, so unrolled
  const pair = (div: number, off: number): string =>
    `r = (((v / ${div}) | 0) % 100) << 1; ${each((a) => `buf[${a} + i + ${off}] = PAIRS[r]; buf[${a} + i + ${off + 1}] = PAIRS[r + 1]`)}`
  return `${headDigitsCode(k, at)}
if (nlo${k} === 9) {
i = neg${k} + nhi${k}; v = lo${k} | 0
${pair(10_000_000, 0)}
${pair(100_000, 2)}
${pair(1000, 4)}
${pair(10, 6)}
${each((a) => `buf[${a} + i + 8] = 48 + (v % 10)`)}
}`
}

/** fault tags are a handful of profile-defined names */
function tailOf(body: Body, fault: string): Packed {
  let b = body.tails.get(fault)
  if (b === undefined) {
    b = pack8(`${body.tail},"fault":"${fault}"},"chaos":null}\n`)
    body.tails.set(fault, b)
  }
  return b
}

/** A constant piece of a line: its UTF-8 bytes packed little-endian into 8-byte words. */
interface Packed {
  length: number
  words: Float64Array
}

const enc = new TextEncoder()
/** room past the text being packed */
const PAD = 16
/** the UTF-8 bytes of the text being packed, zero-padded past them */
const text8 = new Uint8Array(1 << 16)
const textView = new DataView(text8.buffer)

/** Encodes `text` into text8 and returns its byte length. */
function encode(text: string): number {
  const { read, written } = enc.encodeInto(text, text8)
  if (read !== text.length || written + PAD > text8.length) throw new Error('line template text too long')
  text8.fill(0, written, written + PAD)
  return written
}

/**
 * Appends text8[at, at + size) as 8-byte words. The words are copied as doubles (half the stores
 * of 4-byte words). A double keeps its bits through loads and stores unless it is a NaN, which the
 * engine may canonicalise: a word whose exponent bits are all ones (a 0x7f or 0xff byte, then one
 * ≥ 0xf0) is refused, and the device uses the generic path (no such byte is in the ASCII text of
 * ids, topics and keys).
 */
function packWords(at: number, size: number, out: number[]): void {
  for (let i = at; i < at + size; i += 8) {
    const x = textView.getFloat64(i, true)
    if (Number.isNaN(x)) throw new NotPackable(new TextDecoder().decode(text8.subarray(at, at + size)))
    out.push(x)
  }
}

function pack8(text: string): Packed {
  const n = encode(text)
  const words: number[] = []
  packWords(0, Math.ceil(n / 8) * 8, words)
  return { length: n, words: Float64Array.from(words) }
}

/** A template's text holds a word that would be a NaN (see pack8). */
export class NotPackable extends Error {
  constructor(text: string) {
    super(`line template text ${JSON.stringify(text)} has a NaN word`)
  }
}
