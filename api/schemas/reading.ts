import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, Nullable } from './common.ts'

export const StoredReading = Type.Object(
  {
    deviceId: Type.String(),
    eventTime: IsoTime,
    boot: Type.Integer(),
    seq: Type.Integer(),
    receivedAt: Nullable(IsoTime),
    timeSource: Nullable(Type.String()),
    sensor: Nullable(Type.String()),
    dialect: Nullable(Type.String()),
    metrics: Type.Record(Type.String(), Type.Number()),
    battery: Nullable(Type.Number()),
    rssi: Nullable(Type.Integer()),
  }
)
export type StoredReading = Static<typeof StoredReading>
