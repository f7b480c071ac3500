// A rejected input on `iot.readings.dlq`: the raw bytes (base64, so non-UTF-8 survives), where it
// came from and a stable reason code, so an operator can see why and replay it once fixed.
import { Type, type Static } from '@sinclair/typebox'

export const DeadLetter = Type.Object(
  {
    reason: Type.String({ pattern: '^[A-Z][A-Z0-9_]{2,63}$', description: 'stable reason code, e.g. GW_REJECT_UNPARSEABLE' }),
    message: Type.String({ description: 'human-readable detail' }),
    source: Type.Union([Type.Literal('gateway'), Type.Literal('processor')]),
    topic: Type.String({ description: 'MQTT topic (gateway) or Kafka topic/partition/offset (processor)' }),
    clientId: Type.Optional(Type.String()),
    payloadBase64: Type.String(),
    at: Type.Integer({ minimum: 0, description: 'epoch ms when rejected' }),
  },
  { additionalProperties: false },
)
export type DeadLetter = Static<typeof DeadLetter>
