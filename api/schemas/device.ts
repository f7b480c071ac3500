import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, Nullable } from './common.ts'

export const Device = Type.Object(
  {
    deviceId: Type.String(),
    sensor: Nullable(Type.String()),
    dialect: Nullable(Type.String()),
    site: Nullable(Type.String()),
    status: Nullable(Type.String({ description: 'as the processor last recorded it (online, offline, silent, ...)' })),
    firstSeen: Nullable(IsoTime),
    lastSeen: Nullable(IsoTime),
    reportingIntervalMs: Nullable(Type.Integer()),
    boot: Nullable(Type.Integer()),
    lastSeq: Nullable(Type.Integer()),
  }
)
export type Device = Static<typeof Device>
