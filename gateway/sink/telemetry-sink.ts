// The port between ingest and durable storage. `write` resolves only once every record is durable
// (Kafka acks=all, or fsync'd to the spool); the QoS 1 PUBACK waits for it.
export type Stream = 'readings' | 'dlq' | 'events'

export interface SinkRecord {
  stream: Stream
  /** Kafka key: the deviceId, so one device's records stay ordered in one partition */
  key: string
  /** JSON of a Reading, DeadLetter or DeviceEvent */
  value: string
}

export interface SinkStatus {
  /** can new records be made durable right now (directly or via the spool)? */
  accepting: boolean
  kafkaReachable: boolean
  spoolBytes: number
  spoolLimitBytes: number
}

/** How a write became durable: void = in Kafka, 'spooled' = fsync'd to the on-disk spool. */
export type WriteResult = void | 'spooled'

export interface TelemetrySink {
  write(records: readonly SinkRecord[]): Promise<WriteResult>
  status(): SinkStatus
  /** finish or fail in-flight writes, then release resources */
  close(): Promise<void>
}
