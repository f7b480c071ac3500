// The simulator's command line: one TypeBox schema gives the flags, IOT_SIM_* variables,
// defaults and --help (config/load-config.ts). Durations stay strings here and are parsed once in
// resolve-options.ts, which also holds the checks that span several fields.
import { Type, type Static } from '@sinclair/typebox'

const Prob = (description: string) => Type.Number({ minimum: 0, maximum: 1, default: 0, description })

export const SimConfigSchema = Type.Object({
  profile: Type.String({ default: 'bme280', description: 'firmware profile id (firmware-profiles/<id>.json) or a path to a profile file' }),
  devices: Type.Integer({ minimum: 1, maximum: 100_000, default: 1, description: 'number of devices' }),
  interval: Type.String({ default: '60s', description: 'reporting interval (500ms, 5s, 10m …); not below the profile minimum' }),
  duration: Type.String({ default: '10m', description: 'simulated duration' }),
  seed: Type.Integer({ default: 42, description: 'fixes every random draw: the same seed gives the same readings' }),
  start: Type.String({ default: '', description: 'simulated start, ISO-8601 or "now" (default: now with a broker, 2026-01-01T00:00:00Z with --out)' }),
  speed: Type.Number({ exclusiveMinimum: 0, maximum: 1_000_000, default: 1, description: 'simulated time runs N× faster than wall time (broker mode)' }),
  dialect: Type.Union([Type.Literal('native'), Type.Literal('tasmota'), Type.Literal('esphome')], { default: 'native', description: 'payload dialect: native | tasmota | esphome' }),
  qos: Type.Union([Type.Literal(0), Type.Literal(1)], { default: 0, description: 'publish QoS: 0 | 1 (1 needs the esp-mqtt client)' }),
  client: Type.Union([Type.Literal('auto'), Type.Literal('pubsubclient'), Type.Literal('esp-mqtt')], {
    default: 'auto',
    description: 'MQTT client library modelled: auto (pubsubclient for QoS 0, esp-mqtt for QoS 1) | pubsubclient | esp-mqtt',
  }),
  power: Type.Union([Type.Literal('mains'), Type.Literal('battery'), Type.Literal('deep-sleep')], { default: 'mains', description: 'power: mains | battery | deep-sleep' }),
  batteryMah: Type.Number({ exclusiveMinimum: 0, default: 3000, description: 'battery capacity, mAh (battery and deep-sleep)' }),
  siteKind: Type.Union([Type.Literal('indoor'), Type.Literal('outdoor')], { default: 'indoor', description: 'environment of the single site when no fleet file is given' }),
  fleet: Type.String({ default: '', description: 'fleet file (JSON): sites, groups with counts per profile/dialect/site, scripted events' }),
  idPrefix: Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$', default: 'sim', description: 'device ids are <prefix>-<profile>-<nnnnn>' }),
  url: Type.String({ default: 'mqtt://127.0.0.1:1883', description: 'broker URL (mqtt://host:port)' }),
  username: Type.String({ default: '', description: 'MQTT username (default: the device id, as the gateway expects)' }),
  password: Type.String({ default: '', description: 'MQTT password shared by every device' }),
  connectTimeout: Type.String({ default: '10s', description: 'MQTT connect timeout (wall time)' }),
  maxConnecting: Type.Integer({ minimum: 1, maximum: 10_000, default: 200, description: 'connections opened at once while ramping up' }),
  out: Type.String({ default: '', description: 'write every publish as NDJSON to this file instead of a broker ("-" = stdout)' }),
  outSessions: Type.Boolean({
    default: false,
    description: 'with --out, also write every session change (connect, DISCONNECT, link lost) as a "session" line, so --replay reproduces disconnects',
  }),
  replay: Type.String({ default: '', description: 'publish a recorded NDJSON stream to the broker (honours --speed)' }),
  progress: Type.Union([Type.Literal('auto'), Type.Literal('on'), Type.Literal('off')], { default: 'auto', description: 'live progress line: auto (on a terminal) | on | off' }),
  chaos: Type.Object({
    duplicate: Prob('P(a telemetry publish is sent twice)'),
    reorder: Prob('P(a telemetry publish is delayed behind the next one)'),
    malformed: Prob('P(a telemetry payload is malformed, for the dead-letter path)'),
    clockSkew: Type.String({ default: '0s', description: 'each device clock is off by up to ± this after NTP sync' }),
    disconnectsPerHour: Type.Number({ minimum: 0, default: 0, description: 'extra Wi-Fi drops per device-hour' }),
    outageAt: Type.String({ default: '', description: 'fleet-wide outage start (relative, e.g. 5m)' }),
    outageFor: Type.String({ default: '1m', description: 'fleet-wide outage length' }),
  }, { default: {} }),
  help: Type.Boolean({ default: false, description: 'print this help' }),
})
export type SimConfig = Static<typeof SimConfigSchema>
