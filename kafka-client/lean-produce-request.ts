// KafkaJS 2.2.4's Produce request (v3, which its v4–v7 wrap) encoded in one pass, byte for byte
// what KafkaJS writes. Why: profiling the gateway under a QoS 0 flood put ~17 % of its CPU in KafkaJS
// record encoding, and much of its garbage: per record a zero-filled 512-byte Encoder, a Buffer per
// varint, BigInt `Long` arithmetic for a timestamp delta that is always 0 here, an object spread,
// and each batch copied through four nested Encoders that grow by doubling. Garbage is what sets the
// scavenger's pace, and every reading in flight survives each scavenge until Kafka acknowledges it,
// so less garbage is less GC as well as less encoding.
//
// Wire format (Kafka protocol, "Produce Request (Version: 3)" and "RecordBatch" / "Record" in
// https://kafka.apache.org/documentation/#recordbatch): the same fields in the same order as
// node_modules/kafkajs/src/protocol/requests/produce/v3/request.js and recordBatch/{v0,record/v0}.
// Only the shapes our producers send take this path: no compression, no per-message timestamp
// (KafkaJS sorts those as strings, a quirk not worth copying), no headers, keys and values that
// are strings, Buffers or null. Anything else is encoded by KafkaJS's own function, unchanged.
// test/kafka-client/lean-produce-request.test.ts holds the two encoders to identical bytes. The
// batch CRC-32C is ours too (crc32c.ts, slicing-by-8): KafkaJS's byte-at-a-time loop was half of
// what remained.
import { createRequire } from 'node:module'
import { crc32c } from './crc32c.ts'

const require = createRequire(import.meta.url)

interface KafkajsEncoder {
  buf: Buffer
  offset: number
}
interface Int64 {
  getHighBits(): number
  getLowBits(): number
}
const Encoder = require('kafkajs/src/protocol/encoder.js') as new (initialSize?: number) => KafkajsEncoder
const Long = require('kafkajs/src/utils/long.js') as { fromValue(v: unknown): Int64; fromInt(v: number): Int64 }
const { Produce: PRODUCE_API_KEY } = require('kafkajs/src/protocol/requests/apiKeys.js') as { Produce: number }

type Bytes = string | Buffer | null
export interface ProduceMessage {
  key?: unknown
  value?: unknown
  timestamp?: unknown
  headers?: unknown
}
export interface ProducePartition {
  partition: number
  firstSequence?: number
  messages: ProduceMessage[]
}
export interface ProduceRequestArgs {
  acks: number
  timeout: number
  transactionalId?: string | null
  producerId?: unknown
  producerEpoch?: number
  compression?: number
  topicData: Array<{ topic: string; partitions: ProducePartition[] }>
}
export interface ProduceRequest {
  apiKey: number
  apiVersion: number
  apiName: string
  expectResponse: () => boolean
  encode: () => Promise<KafkajsEncoder>
}
export type ProduceRequestFactory = (args: ProduceRequestArgs) => ProduceRequest

const MAGIC_BYTE = 2
const TRANSACTIONAL_MASK = 16
/** firstOffset .. firstSequence, then the record count: the fixed part of a RecordBatch */
const BATCH_HEAD = 8 + 4 + 4 + 1 + 4 + 2 + 4 + 8 + 8 + 8 + 2 + 4 + 4

const isBytes = (v: unknown): v is Bytes => v === null || typeof v === 'string' || Buffer.isBuffer(v)
const noHeaders = (h: unknown): boolean => h === undefined || (typeof h === 'object' && h !== null && Object.keys(h).length === 0)

const encodableMessage = (m: ProduceMessage): boolean => m.timestamp == null && noHeaders(m.headers) && (m.key === undefined || isBytes(m.key)) && isBytes(m.value)
const encodableCompression = (args: ProduceRequestArgs): boolean => args.compression === undefined || args.compression === 0

// Varints exactly as KafkaJS's Encoder: 32-bit zigzag, `& 0xffffff80` loop (LEB128).
const zigZag = (v: number): number => (v << 1) ^ (v >> 31)
function sizeOfUVarInt(u: number): number {
  let bytes = 1
  while ((u & 0xffffff80) !== 0) {
    bytes++
    u >>>= 7
  }
  return bytes
}
function writeUVarInt(buf: Buffer, at: number, u: number): number {
  while ((u & 0xffffff80) !== 0) {
    buf[at++] = (u & 0x7f) | 0x80
    u >>>= 7
  }
  buf[at++] = u & 0x7f
  return at
}
const byteLength = (v: Bytes | undefined): number => (v == null ? -1 : typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : v.length)
const sizeOfBytes = (len: number): number => sizeOfUVarInt(zigZag(len)) + Math.max(len, 0)
function writeBytes(buf: Buffer, at: number, v: Bytes | undefined, len: number): number {
  at = writeUVarInt(buf, at, zigZag(len))
  if (v == null) return at
  if (typeof v === 'string') buf.write(v, at, len, 'utf8')
  else v.copy(buf, at)
  return at + len
}
function writeInt64(buf: Buffer, at: number, v: unknown): number {
  const l = Long.fromValue(v)
  buf.writeInt32BE(l.getHighBits(), at)
  buf.writeInt32BE(l.getLowBits(), at + 4)
  return at + 8
}
function writeString(buf: Buffer, at: number, s: string | null, len: number): number {
  if (s == null) return buf.writeInt16BE(-1, at)
  at = buf.writeInt16BE(len, at)
  buf.write(s, at, len, 'utf8')
  return at + len
}

/** Record body size: attributes, timestampDelta (always 0: no message carries a timestamp), offsetDelta, key, value, no headers. */
const recordBodySize = (i: number, keyLen: number, valueLen: number): number => 1 + 1 + sizeOfUVarInt(zigZag(i)) + sizeOfBytes(keyLen) + sizeOfBytes(valueLen) + 1

/** The request body, or null when the request has a shape only KafkaJS writes (checked while sizing: one pass). */
export function encodeProduceBody(args: ProduceRequestArgs, now: number = Date.now()): Buffer | null {
  if (!encodableCompression(args)) return null
  const transactionalId = args.transactionalId ?? null
  const producerId = args.producerId === undefined ? Long.fromInt(-1) : args.producerId
  const producerEpoch = args.producerEpoch ?? 0
  const attributes = transactionalId ? TRANSACTIONAL_MASK : 0
  // Pass 1: sizes (key, value and record body lengths kept, so strings are measured once).
  let count = 0
  for (const t of args.topicData) for (const p of t.partitions) count += p.messages.length
  const lens = new Int32Array(count * 3)
  const tidLen = transactionalId == null ? 0 : Buffer.byteLength(transactionalId, 'utf8')
  let size = 2 + tidLen + 2 + 4 + 4
  let k = 0
  for (const t of args.topicData) {
    size += 2 + Buffer.byteLength(t.topic, 'utf8') + 4
    for (const p of t.partitions) {
      size += 4 + 4 + BATCH_HEAD
      for (let i = 0; i < p.messages.length; i++, k += 3) {
        const m = p.messages[i] as ProduceMessage
        if (!encodableMessage(m)) return null
        const keyLen = (lens[k] = byteLength(m.key as Bytes | undefined))
        const valueLen = (lens[k + 1] = byteLength(m.value as Bytes))
        const body = (lens[k + 2] = recordBodySize(i, keyLen, valueLen))
        size += sizeOfUVarInt(zigZag(body)) + body
      }
    }
  }
  // Pass 2: write.
  const buf = Buffer.allocUnsafe(size)
  let at = writeString(buf, 0, transactionalId, tidLen)
  at = buf.writeInt16BE(args.acks, at)
  at = buf.writeInt32BE(args.timeout, at)
  at = buf.writeInt32BE(args.topicData.length, at)
  k = 0
  for (const t of args.topicData) {
    at = writeString(buf, at, t.topic, Buffer.byteLength(t.topic, 'utf8'))
    at = buf.writeInt32BE(t.partitions.length, at)
    for (const p of t.partitions) {
      at = buf.writeInt32BE(p.partition, at)
      const sizeAt = at
      at += 4
      const batchStart = at
      buf.fill(0, at, at + 8) // firstOffset
      at += 8
      const lengthAt = at
      at += 4
      at = buf.writeInt32BE(0, at) // partitionLeaderEpoch
      at = buf.writeInt8(MAGIC_BYTE, at)
      const crcAt = at
      at += 4
      const bodyStart = at
      at = buf.writeInt16BE(attributes, at)
      at = buf.writeInt32BE(p.messages.length - 1, at) // lastOffsetDelta
      at = writeInt64(buf, at, now) // firstTimestamp
      at = writeInt64(buf, at, now) // maxTimestamp
      at = writeInt64(buf, at, producerId)
      at = buf.writeInt16BE(producerEpoch, at)
      at = buf.writeInt32BE(p.firstSequence === undefined ? 0 : p.firstSequence, at)
      at = buf.writeInt32BE(p.messages.length, at)
      for (let i = 0; i < p.messages.length; i++, k += 3) {
        const m = p.messages[i] as ProduceMessage
        const keyLen = lens[k] as number
        const valueLen = lens[k + 1] as number
        at = writeUVarInt(buf, at, zigZag(lens[k + 2] as number))
        buf[at++] = 0 // attributes
        buf[at++] = 0 // timestampDelta: varlong 0
        at = writeUVarInt(buf, at, zigZag(i)) // offsetDelta
        at = writeBytes(buf, at, m.key as Bytes | undefined, keyLen)
        at = writeBytes(buf, at, m.value as Bytes, valueLen)
        buf[at++] = 0 // no headers
      }
      buf.writeUInt32BE(crc32c(buf, bodyStart, at), crcAt)
      buf.writeInt32BE(at - lengthAt - 4, lengthAt)
      buf.writeInt32BE(at - batchStart, sizeAt)
    }
  }
  if (at !== size) throw new Error(`lean produce encoding wrote ${at} of ${size} bytes`)
  return buf
}

/** Wraps KafkaJS's v3 request factory: encodable requests take the one-pass path, others KafkaJS's. */
export function leanProduceRequest(kafkajsV3: ProduceRequestFactory): ProduceRequestFactory {
  return function leanProduceRequestV3(args) {
    const fallback = kafkajsV3(args)
    return {
      apiKey: PRODUCE_API_KEY,
      apiVersion: 3,
      apiName: 'Produce',
      expectResponse: fallback.expectResponse,
      encode: async () => {
        const body = encodeProduceBody(args)
        if (body === null) return fallback.encode()
        const encoder = new Encoder(0)
        encoder.buf = body
        encoder.offset = body.length
        return encoder
      },
    }
  }
}
