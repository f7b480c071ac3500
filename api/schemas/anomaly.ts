import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, Nullable } from './common.ts'

export const Anomaly = Type.Object(
  {
    deviceId: Type.String(),
    anomalyId: Type.String(),
    openedAt: IsoTime,
    closedAt: Nullable(IsoTime),
    kind: Nullable(Type.String()),
    metric: Nullable(Type.String()),
    severity: Nullable(Type.String()),
    value: Nullable(Type.Number()),
    threshold: Nullable(Type.Number()),
    detail: Nullable(Type.String()),
  }
)
export type Anomaly = Static<typeof Anomaly>
