// What the processor writes back to Kafka: rejected records to the DLQ (DeadLetter, source
// 'processor') and anomaly openings/closings to iot.anomalies, both with acks=all. Delivery to these
// topics is at-least-once (a replay after a crash re-publishes); consumers key on anomaly id + state.
import type { Producer } from 'kafkajs'
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

export async function publishEffects(producer: Producer, topics: OutputTopics, fx: Effects, dlqKeys: Array<string | null>): Promise<void> {
  const sends: Array<Promise<unknown>> = []
  if (fx.dlq.length > 0) {
    sends.push(
      producer.send({
        topic: topics.dlqTopic,
        acks: -1,
        messages: fx.dlq.map((d: DeadLetter, i) => ({ key: dlqKeys[i] ?? null, value: JSON.stringify(d) })),
      }),
    )
  }
  if (fx.anomalyEvents.length > 0) {
    sends.push(
      producer.send({
        topic: topics.anomaliesTopic,
        acks: -1,
        messages: fx.anomalyEvents.map(anomalyRecord),
      }),
    )
  }
  await Promise.all(sends)
}
