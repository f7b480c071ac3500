// The gateway's Kafka thread: the KafkaSink (batching, acks=all, own timeouts, backpressure) runs
// here, so encoding records and Kafka's network I/O do not take turns with MQTT on the gateway's
// event loop. Profiled at 10,000 QoS 1 readings/s, the Kafka path was about a quarter of that
// loop's busy time, and the PUBACK tail follows how busy the loop is (bench/README.md).
// First: replaces KafkaJS's produce encoding before anything loads kafkajs (see that file).
import '../../kafka-client/install-lean-produce.ts'
import { parentPort, workerData } from 'node:worker_threads'
import { Kafka } from 'kafkajs'
import { kafkaClientConfig } from '../../config/kafka-connection.ts'
import { systemClock } from '../clock.ts'
import { isAppError } from '../errors.ts'
import { KafkaSink } from './kafka-sink.ts'
import type { FromWorker, KafkaWorkerInit, ToWorker, WireError } from './kafka-worker-protocol.ts'
import type { SinkRecord, SinkStatus, Stream } from './telemetry-sink.ts'

const STATUS_POLL_MS = 200

const port = parentPort
if (!port) throw new Error('kafka-worker.ts runs as a worker thread (see kafka-worker-sink.ts)')
const init = workerData as KafkaWorkerInit
const send = (m: FromWorker): void => port.postMessage(m)

const ackSeconds: number[] = []
const sink = new KafkaSink({
  kafka: new Kafka(kafkaClientConfig(init.kafka, init.clientSuffix)),
  topics: init.topics,
  clock: systemClock,
  sendTimeoutMs: init.sendTimeoutMs,
  lingerMs: init.lingerMs,
  maxBatchRecords: init.maxBatchRecords,
  maxInFlightBatches: init.maxInFlightBatches,
  maxPendingRecords: init.maxPendingRecords,
  reconnectMs: init.reconnectMs,
  ackLatency: { observe: (s) => void ackSeconds.push(s) },
})

let ok: number[] = []
let failed: WireError[] = []
let scheduled = false
let last: SinkStatus = sink.status()
const flush = (): void => {
  scheduled = false
  last = sink.status()
  send({ t: 'settled', ok, failed, ackSeconds: ackSeconds.splice(0), status: last })
  ok = []
  failed = []
}
const schedule = (): void => {
  if (scheduled) return
  scheduled = true
  setImmediate(flush)
}

function onWrite(f: Extract<ToWorker, { t: 'write' }>): void {
  let at = 0
  for (let i = 0; i < f.ids.length; i++) {
    const id = f.ids[i] as number
    const n = f.sizes[i] as number
    const records: SinkRecord[] = new Array(n)
    for (let k = 0; k < n; k++, at++) records[k] = { stream: f.streams[at] as Stream, key: f.keys[at] as string, value: f.values[at] as string }
    sink.write(records).then(
      () => {
        ok.push(id)
        schedule()
      },
      (err: unknown) => {
        // KafkaSink fails with coded errors; anything else is a send failure, retriable.
        const coded = isAppError(err)
        failed.push({ id, code: coded ? err.code : 'GW_ERR_KAFKA_SEND', message: (err as Error).message, retriable: coded ? err.retriable : true })
        schedule()
      },
    )
  }
}

// Reachability changes without a write (connect, disconnect, a background probe): polled.
const poll = setInterval(() => {
  const s = sink.status()
  if (s.accepting !== last.accepting || s.kafkaReachable !== last.kafkaReachable) send({ t: 'status', status: (last = s) })
}, STATUS_POLL_MS)

port.on('message', (m: ToWorker) => {
  if (m.t === 'write') return onWrite(m)
  clearInterval(poll)
  void sink.close().then(() => {
    flush()
    send({ t: 'closed' })
    port.close()
  })
})

const up = await sink.start()
send({ t: 'started', up, status: (last = sink.status()) })
