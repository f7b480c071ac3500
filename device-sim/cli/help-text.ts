import { configHelp } from '../../config/load-config.ts'
import { listProfiles } from '../../firmware-profiles/load-profile.ts'
import { SimConfigSchema } from '../config.ts'

export function helpText(): string {
  return `usage: npm run sim -- [options]

Simulates ESP32 devices with realistic sensors (firmware-profiles/) publishing over MQTT, one
connection per device, or writes the exact stream to NDJSON with --out (no broker needed).

examples:
  npm run sim -- --profile bme280 --devices 100 --interval 5s --url mqtt://127.0.0.1:1883 --duration 10m --seed 42 --dialect native --qos 1
  npm run sim -- --profile dht22 --devices 10 --duration 1d --out readings.ndjson
  npm run sim -- --fleet fleet.json --speed 60 --password secret
  npm run sim -- --replay readings.ndjson --speed 100

profiles: ${listProfiles().join(', ')}

options (flag, environment variable, description, default):
${configHelp(SimConfigSchema, 'IOT_SIM_')}

exit status: 0 done, 2 bad arguments / profile / fleet file / interval, 3 broker unreachable or I/O.
At the end a JSON summary goes to stdout; the progress line goes to stderr.`
}
