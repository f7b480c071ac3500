// The canonical reading: what the gateway writes to `iot.readings` whatever dialect the device
// spoke, and what the processor reads. One TypeBox schema is its type, its runtime check and (in
// the API) its OpenAPI shape. Surface: shared/reference/product-contract.md, "Kafka topics".
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'

/** Device ids double as MQTT client ids and topic levels: no wildcards, separators or spaces. */
export const DeviceId = Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', description: 'device id = MQTT client id = username' })

export const Dialect = Type.Union([Type.Literal('native'), Type.Literal('tasmota'), Type.Literal('esphome')])
export type Dialect = Static<typeof Dialect>

/**
 * Where `eventTime` came from: the device clock when plausible; otherwise gateway time, with why
 * (a dialect with no time, a clock still near 1970 before its first NTP sync, or one in the future).
 */
export const TimeSource = Type.Union([
  Type.Literal('device'),
  Type.Literal('gateway'),
  Type.Literal('gateway-unsynced'),
  Type.Literal('gateway-future'),
])
export type TimeSource = Static<typeof TimeSource>

export const MetricName = Type.String({ pattern: '^[a-z][a-z0-9_]{0,31}$' })

export const Reading = Type.Object(
  {
    deviceId: DeviceId,
    seq: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'device sequence number' }),
    seqSource: Type.Union([Type.Literal('device'), Type.Literal('gateway')], { description: 'gateway-assigned when the dialect has none' }),
    boot: Type.Integer({ minimum: 0, description: 'device boot counter; seq restarts at each boot' }),
    eventTime: Type.Integer({ minimum: 0, description: 'epoch ms, device time when plausible' }),
    receivedAt: Type.Integer({ minimum: 0, description: 'epoch ms, gateway time' }),
    timeSource: TimeSource,
    sensor: Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'firmware profile id, e.g. bme280' }),
    dialect: Dialect,
    metrics: Type.Record(MetricName, Type.Number(), {
      minProperties: 1,
      additionalProperties: false,
      description: 'metric name → value (finite numbers only)',
    }),
    battery: Type.Optional(Type.Number({ minimum: 0, maximum: 6, description: 'battery volts' })),
    rssi: Type.Optional(Type.Integer({ minimum: -127, maximum: 0, description: 'Wi-Fi RSSI, dBm' })),
  },
  { additionalProperties: false },
)
export type Reading = Static<typeof Reading>

export const ReadingCheck = TypeCompiler.Compile(Reading)

/** The identity used for deduplication everywhere: a redelivered reading has the same key. */
export const readingKey = (r: Pick<Reading, 'deviceId' | 'boot' | 'seq'>): string => `${r.deviceId}/${r.boot}/${r.seq}`
