// What the processor writes back to Kafka: rejected records to the DLQ (DeadLetter, source
// 'processor') and anomaly openings/closings to iot.anomalies, both with acks=all. Delivery to these
// topics is at-least-once (a replay after a crash re-publishes); consumers key on anomaly id + state.
// Both go out through the durable sender (kafka-client/durable-send.ts): a plain KafkaJS send
// spanning partitions can resolve with a failed-over partition never written (KafkaJS #1303),
// and a dead letter lost that way would vanish with its offset committed.
import type { DurableSend, TopicBatch } from '../../kafka-client/durable-send.ts'
import type { DeadLetter } from '../../contracts/dead-letter.ts'
import { anomalyId, type Anomaly } from '../anomalies/types.ts'
import type { Effects } from './effects.ts'

export interface OutputTopics {
  dlqTopic: string
  anomaliesTopic: string
}

/** One anomalies-topic record: keyed by device, the anomaly with its id and state. */
export const anomalyRecord = (a: Anomaly): { key: string; value: string } => ({
  key: a.deviceId,
  value: JSON.stringify({ id: anomalyId(a), state: a.closedAt === undefined ? 'open' : 'closed', ...a }),
})

export async function publishEffects(send: DurableSend, topics: OutputTopics, fx: Effects, dlqKeys: Array<string | null>): Promise<void> {
  const batch: TopicBatch[] = []
  if (fx.dlq.length > 0) batch.push({ topic: topics.dlqTopic, messages: fx.dlq.map((d: DeadLetter, i) => ({ key: dlqKeys[i] ?? null, value: JSON.stringify(d) })) })
  if (fx.anomalyEvents.length > 0) batch.push({ topic: topics.anomaliesTopic, messages: fx.anomalyEvents.map(anomalyRecord) })
  if (batch.length > 0) await send(batch)
}
