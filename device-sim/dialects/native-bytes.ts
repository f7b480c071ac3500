// The native payload (native.ts) written as bytes for the --out fast path: its JSON string literal
// and its metrics object, from pieces encoded once per profile. Same texts as native.ts: String()
// of the integers, numberText() of the values, NaN channels left out.
import type { FirmwareProfile } from '../../firmware-profiles/profile-schema.ts'
import { textLength, utf8, type ByteWriter, type Bytes } from '../engine/byte-writer.ts'
import { numberText } from './number-text.ts'
import { NativeLine, NotPackable } from './native-line.ts'
import type { DialectBytes, ReadingInput } from './dialect-types.ts'

/** A constant piece of the payload: its bytes inside the JSON string literal, and its own length. */
interface Piece {
  escaped: Bytes
  rawBytes: number
}

const piece = (raw: string): Piece => ({ escaped: utf8(JSON.stringify(raw).slice(1, -1)), rawBytes: Buffer.byteLength(raw) })

interface Pieces {
  seq: Piece
  boot: Piece
  ts: Piece
  /** `,"sensor":"<id>"` */
  sensor: Piece
  /** per channel: `,"<metric>":` */
  channel: Piece[]
  /** per channel: `"<metric>":` and `,"<metric>":` of the metrics object */
  metricFirst: Bytes[]
  metricNext: Bytes[]
  battery: Piece
  rssi: Piece
  open: Bytes
  close: Bytes
  nul: Bytes
}

const byProfile = new WeakMap<FirmwareProfile, Pieces>()
// the last profile's pieces: a fleet rarely mixes profiles, and three WeakMap lookups per reading
// were a visible cost
let lastProfile: FirmwareProfile | null = null
let lastPieces: Pieces | null = null

function piecesOf(p: FirmwareProfile): Pieces {
  if (p === lastProfile && lastPieces !== null) return lastPieces
  let x = byProfile.get(p)
  if (x === undefined) {
    x = {
      seq: piece('{"seq":'),
      boot: piece(',"boot":'),
      ts: piece(',"ts":'),
      sensor: piece(`,"sensor":"${p.id}"`),
      channel: p.channels.map((c) => piece(`,"${c.metric}":`)),
      metricFirst: p.channels.map((c) => utf8(`"${c.metric}":`)),
      metricNext: p.channels.map((c) => utf8(`,"${c.metric}":`)),
      battery: piece(',"battery":'),
      rssi: piece(',"rssi":'),
      open: utf8('"'),
      close: utf8('}"'),
      nul: utf8('null'),
    }
    byProfile.set(p, x)
  }
  lastProfile = p
  lastPieces = x
  return x
}

export const nativeBytes: DialectBytes = {
  topic: (deviceId) => `devices/${deviceId}/telemetry`,

  /** texts: one per channel ('' for a failed one), then the battery's */
  prepare(r: ReadingInput, texts: string[]): number {
    const x = piecesOf(r.profile)
    let n = x.seq.rawBytes + textLength(r.seq) + x.boot.rawBytes + textLength(r.boot) + x.ts.rawBytes + textLength(r.deviceTime) + x.sensor.rawBytes
    let any = false
    const nch = x.channel.length
    for (let i = 0; i < nch; i++) {
      const v = r.values[i] as number
      if (Number.isNaN(v)) texts[i] = ''
      else {
        const text = numberText(v)
        texts[i] = text
        n += (x.channel[i] as Piece).rawBytes + text.length
        any = true
      }
    }
    if (!any) return -1
    if (r.battery !== undefined) {
      const text = numberText(r.battery)
      texts[nch] = text
      n += x.battery.rawBytes + text.length
    }
    if (r.rssi !== undefined) n += x.rssi.rawBytes + textLength(r.rssi)
    return n + 1 // the closing brace
  },

  writePayloadJson(r: ReadingInput, texts: readonly string[], w: ByteWriter): void {
    const x = piecesOf(r.profile)
    w.bytes(x.open)
    w.bytes(x.seq.escaped)
    w.str(r.seq)
    w.bytes(x.boot.escaped)
    w.str(r.boot)
    w.bytes(x.ts.escaped)
    w.str(r.deviceTime)
    w.bytes(x.sensor.escaped)
    const nch = x.channel.length
    for (let i = 0; i < nch; i++) {
      const text = texts[i] as string
      if (text === '') continue
      w.bytes((x.channel[i] as Piece).escaped)
      w.ascii(text)
    }
    if (r.battery !== undefined) {
      w.bytes(x.battery.escaped)
      w.ascii(texts[nch] as string)
    }
    if (r.rssi !== undefined) {
      w.bytes(x.rssi.escaped)
      w.str(r.rssi)
    }
    w.bytes(x.close)
  },

  line(parts) {
    try {
      return new NativeLine(parts)
    } catch (e) {
      // text the template cannot hold: the generic path writes the same bytes
      if (e instanceof NotPackable) return null
      throw e
    }
  },

  writeMetricsJson(r: ReadingInput, texts: readonly string[], w: ByteWriter): void {
    const x = piecesOf(r.profile)
    let first = true
    for (let i = 0; i < x.channel.length; i++) {
      const text = texts[i] as string
      if (text === '') continue
      w.bytes((first ? x.metricFirst[i] : x.metricNext[i]) as Bytes)
      first = false
      if (Number.isFinite(r.values[i] as number)) w.ascii(text)
      else w.bytes(x.nul)
    }
  },
}
