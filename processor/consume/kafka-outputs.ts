// What the processor writes back to Kafka: rejected records to the DLQ (DeadLetter, source
// 'processor') and anomaly openings/closings to iot.anomalies, both with acks=all. Delivery to these
// topics is at-least-once (a replay after a crash re-publishes); consumers key on anomaly id + state.
import type { Producer } from 'kafkajs'
import type { DeadLetter } from '../../contracts/dead-letter.ts'
import { anomalyId } from '../anomalies/types.ts'
import type { Effects } from './effects.ts'

export interface OutputTopics {
  dlqTopic: string
  anomaliesTopic: string
}

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
  if (fx.anomalies.size > 0) {
    sends.push(
      producer.send({
        topic: topics.anomaliesTopic,
        acks: -1,
        messages: [...fx.anomalies.values()].map((a) => ({
          key: a.deviceId,
          value: JSON.stringify({ id: anomalyId(a), state: a.closedAt === undefined ? 'open' : 'closed', ...a }),
        })),
      }),
    )
  }
  await Promise.all(sends)
}
