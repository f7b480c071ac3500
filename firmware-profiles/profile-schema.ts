// The shape of a firmware profile file (firmware-profiles/<id>.json). Every number is a `Cited`
// value: the figure, the row of firmware-profiles/sensors.md it comes from ("§1.1 Humidity
// accuracy"), and `estimate: true` where the datasheet is silent and the figure is ours.
import { Type, type Static } from '@sinclair/typebox'

export const Cited = Type.Object(
  {
    value: Type.Number(),
    source: Type.String({ minLength: 3, description: '"§<section> <row>" of sensors.md, or "estimate: why"' }),
    estimate: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
)
export type Cited = Static<typeof Cited>

const Metric = Type.Union([Type.Literal('temperature'), Type.Literal('humidity'), Type.Literal('pressure')])
export type Metric = Static<typeof Metric>

export const ChannelProfile = Type.Object(
  {
    metric: Metric,
    unit: Type.String(),
    min: Cited,
    max: Cited,
    resolution: Cited,
    noiseSigma: Cited,
    offsetSigma: Cited,
    offsetClip: Cited,
    /** a share of units drawn uniformly from ±[min, max] instead (DHT22 RH outliers) */
    offsetOutlier: Type.Optional(Type.Object({ fraction: Cited, min: Cited, max: Cited }, { additionalProperties: false })),
    /** a per-unit offset drawn uniformly from [min, max] on top (BME280 solder drift) */
    offsetUniform: Type.Optional(Type.Object({ min: Cited, max: Cited }, { additionalProperties: false })),
    driftPerYear: Cited,
    tauS: Cited,
    hysteresis: Type.Optional(Cited),
  },
  { additionalProperties: false },
)
export type ChannelProfile = Static<typeof ChannelProfile>

export const FailureMode = Type.Union([
  Type.Object({ kind: Type.Literal('nan'), ratePerRead: Cited }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('lockup'), ratePerRead: Cited }, { additionalProperties: false }),
  Type.Object(
    { kind: Type.Literal('spike'), ratePerRead: Cited, values: Type.Record(Type.String(), Type.Number()), valuesSource: Type.String({ minLength: 3 }) },
    { additionalProperties: false },
  ),
  Type.Object(
    {
      kind: Type.Literal('stuck'),
      metric: Metric,
      value: Cited,
      whenTruthAbove: Cited,
      ratePerRead: Cited,
      recoveryPerRead: Cited,
    },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('decay'), metric: Metric, to: Cited, durationS: Cited, ratePerRead: Cited },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('sentinel'), name: Type.String({ minLength: 1 }), metric: Metric, value: Cited, ratePerRead: Cited, meanRunReads: Cited },
    { additionalProperties: false },
  ),
  Type.Object(
    { kind: Type.Literal('creep'), metric: Metric, above: Cited, afterS: Cited, offset: Cited, recoveryTauS: Cited },
    { additionalProperties: false },
  ),
])
export type FailureMode = Static<typeof FailureMode>

export const FirmwareProfile = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    id: Type.String({ pattern: '^[a-z0-9_-]{1,32}$' }),
    name: Type.String({ minLength: 1 }),
    /** the key Tasmota uses in tele/<id>/SENSOR (the DHT22 appears as AM2301) */
    tasmotaKey: Type.String({ minLength: 1 }),
    minIntervalMs: Cited,
    conversionMs: Cited,
    /**
     * What a read sooner than minIntervalMs (or conversionMs) returns: `cached` = the previous
     * result (Adafruit DHT), `power-on-value` = the register's reset value (DS18B20 85 °C),
     * `fresh` = a new conversion (forced-mode I2C parts).
     */
    fastRead: Type.Union([Type.Literal('cached'), Type.Literal('power-on-value'), Type.Literal('fresh')]),
    powerOnValue: Type.Optional(Cited),
    /** each read returns the conversion triggered by the previous read (DHT22) */
    returnsPrevious: Type.Boolean(),
    previousSource: Type.Optional(Type.String()),
    /** temperature bias from the part's own dissipation, °C */
    selfHeatingC: Type.Optional(Cited),
    /** humidity computed inside the part from its own (self-heated) temperature (BME280) */
    coupledHumidity: Type.Optional(Type.Boolean()),
    /**
     * On-chip IIR filter coefficient c of y = (y·(c−1) + x)/c, applied per conversion to temperature
     * and pressure, never humidity (BME280 §2.3); 1 = off. Reset at power-on (config write).
     */
    iirCoefficient: Type.Optional(Cited),
    /**
     * Self-heating that builds up when the part is read often (DHT22 §1.4): the temperature bias
     * tends to maxC × min(1, fullAtIntervalMs / time since the last conversion) with time
     * constant tauS. Absent = not modelled.
     */
    pollSelfHeating: Type.Optional(Type.Object({ maxC: Cited, fullAtIntervalMs: Cited, tauS: Cited }, { additionalProperties: false })),
    /**
     * Share of units that send negative temperatures in two's complement instead of the
     * datasheet's sign-magnitude (DHT22 clones, §1.1 Clone variant); the library decodes them as
     * sign-magnitude, so −10.1 °C reads −3266.7 °C. Absent = none.
     */
    twosComplementCloneFraction: Type.Optional(Cited),
    channels: Type.Array(ChannelProfile, { minItems: 1 }),
    failures: Type.Array(FailureMode),
  },
  { additionalProperties: false },
)
export type FirmwareProfile = Static<typeof FirmwareProfile>
