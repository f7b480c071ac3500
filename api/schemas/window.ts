import { Type, type Static } from '@sinclair/typebox'
import { IsoTime, Nullable } from './common.ts'

export const WindowRow = Type.Object(
  {
    windowStart: IsoTime,
    metric: Type.String(),
    count: Nullable(Type.Integer()),
    min: Nullable(Type.Number()),
    max: Nullable(Type.Number()),
    mean: Nullable(Type.Number()),
    stddev: Nullable(Type.Number()),
    firstEvent: Nullable(IsoTime),
    lastEvent: Nullable(IsoTime),
    expectedCount: Nullable(Type.Integer()),
    completeness: Nullable(Type.Number()),
    lateCount: Nullable(Type.Integer()),
  }
)
export type WindowRow = Static<typeof WindowRow>

export const WindowSize = Type.String({
  pattern: '^[1-9][0-9]{0,6}(s|m|h|d)?$',
  default: '1m',
  description: 'window size: seconds (60) or with a unit (60s, 1m, 1h, 1d)',
})
