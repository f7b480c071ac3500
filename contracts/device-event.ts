// Session events on `iot.device-events`: the processor's silence detection and the device
// registry read these (connect, disconnect, a Will fired, a status message).
import { Type, type Static } from '@sinclair/typebox'
import { DeviceId } from './reading.ts'

export const DeviceEvent = Type.Object(
  {
    deviceId: DeviceId,
    kind: Type.Union([Type.Literal('connect'), Type.Literal('disconnect'), Type.Literal('will'), Type.Literal('status')]),
    status: Type.Optional(Type.Union([Type.Literal('online'), Type.Literal('offline')])),
    at: Type.Integer({ minimum: 0, description: 'epoch ms, gateway time' }),
    detail: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type DeviceEvent = Static<typeof DeviceEvent>
