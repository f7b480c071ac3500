// Messages between the gateway's event loop and its Kafka thread (kafka-worker-sink.ts ↔
// kafka-worker.ts). Records cross as flat arrays, one postMessage per event-loop turn, so the
// structured clone is a few arrays of strings rather than one object per record.
import type { KafkaConnection } from '../../config/kafka-connection.ts'
import type { SinkStatus, Stream } from './telemetry-sink.ts'

/** everything the thread needs to build its KafkaSink (plain data: it is cloned into the worker) */
export interface KafkaWorkerInit {
  kafka: KafkaConnection
  clientSuffix: string
  topics: Readonly<Record<Stream, string>>
  sendTimeoutMs: number
  lingerMs: number
  maxBatchRecords: number
  maxInFlightBatches: number
  maxPendingRecords: number
  reconnectMs: number
}

/** Writes `ids[i]` made of the next `sizes[i]` records of streams/keys/values. */
export interface WriteFrame {
  t: 'write'
  ids: number[]
  sizes: number[]
  streams: Stream[]
  keys: string[]
  values: string[]
}

export type ToWorker = WriteFrame | { t: 'close' }

export interface WireError {
  id: number
  code: string
  message: string
  retriable: boolean
}

export type FromWorker =
  | { t: 'started'; up: boolean; status: SinkStatus }
  /** settled writes since the last frame, Kafka ack latencies (s) to observe, the current status */
  | { t: 'settled'; ok: number[]; failed: WireError[]; ackSeconds: number[]; status: SinkStatus }
  | { t: 'status'; status: SinkStatus }
  | { t: 'closed' }
