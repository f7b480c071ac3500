import { Type, type Static } from '@sinclair/typebox'
import { DeviceId } from '../../contracts/reading.ts'
import { IsoTime, Nullable } from './common.ts'

const n = (description: string) => Type.Integer({ minimum: 0, description })
const signed = (description: string) => Type.Integer({ description })

export const Conservation = Type.Object({
  gateway: Type.Object({
    received: n('messages the gateway took in'),
    accepted: n('sent to Kafka directly'),
    rejected: Type.Record(Type.String(), Type.Integer(), { description: 'reason code → count (to the DLQ)' }),
    rejectedTotal: n('sum of rejected'),
    spooled: n('appended to the on-disk spool while Kafka was unreachable'),
    replayed: n('sent to Kafka from the spool'),
    inSpool: signed('spooled − replayed: still waiting on disk'),
    unaccounted: signed('received − accepted − rejectedTotal − spooled: should be 0 (non-zero only while a flush is in flight)'),
  }),
  processor: Type.Object({
    consumed: n('records read from iot.readings, redeliveries included'),
    duplicates: n('dropped by (deviceId, boot, seq) dedup'),
    storedRaw: n('rows written to readings_raw'),
    invalid: n('physically impossible readings (sensor faults), never averaged'),
    windowed: n('readings counted in stored windows'),
    late: n('readings that corrected an already stored window'),
    deadLettered: n('records the processor sent to iot.readings.dlq (unparseable, not a canonical reading, event time too far ahead)'),
  }),
  flow: Type.Object({
    toKafka: n('accepted + replayed'),
    notYetStored: signed('toKafka − storedRaw − duplicates − dead-lettered by the processor: in Kafka, not yet processed (consumer lag)'),
    notYetWindowed: signed('storedRaw − windowed − invalid: in windows still open'),
  }),
})
export type Conservation = Static<typeof Conservation>

export const PipelineQuery = Type.Object({ deviceId: Type.Optional(DeviceId) }, { additionalProperties: false })

export const PipelineReport = Type.Object({
  generatedAt: IsoTime,
  instances: Type.Array(
    Type.Object({ component: Type.String(), instance: Type.String(), host: Nullable(Type.String()), startedAt: IsoTime, updatedAt: IsoTime }),
  ),
  total: Conservation,
  devices: Type.Array(Type.Composite([Type.Object({ deviceId: Type.String() }), Conservation])),
})
export type PipelineReport = Static<typeof PipelineReport>
