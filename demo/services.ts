// The demo's services as the supervisor runs them: each the same entry point as its npm script,
// with its settings in IOT_* variables and its readiness URL.
import { join } from 'node:path'
import { tsxServiceArgs } from '../config/service-node-flags.ts'
import type { ServiceSpec } from './supervisor.ts'

export interface DemoPorts {
  mqtt: number
  api: number
  gatewayHttp: number
  processorHttp: number
}

const root = join(import.meta.dirname, '..')
const tsx = (entry: string, args: string[] = []): Pick<ServiceSpec, 'command' | 'args'> => ({
  command: process.execPath,
  args: [...tsxServiceArgs(root, entry), ...args],
})

export function demoServices(ports: DemoPorts, env: NodeJS.ProcessEnv, opts: { credentialsFile: string; fleetFile: string; rulesFile: string; seed: number }): ServiceSpec[] {
  return [
    {
      name: 'gateway',
      ...tsx('gateway/main.ts'),
      // Anonymous so the simulated fleet and a pasted mosquitto_pub need no password; devices still
      // publish only under their own id, and registered devices still need theirs.
      env: { ...env, IOT_MQTT_PORT: String(ports.mqtt), IOT_GATEWAY_HTTP_PORT: String(ports.gatewayHttp), IOT_AUTH_ALLOW_ANONYMOUS: 'true', IOT_AUTH_CREDENTIALS_FILE: opts.credentialsFile },
      healthUrl: `http://127.0.0.1:${ports.gatewayHttp}/ready`,
    },
    {
      name: 'processor',
      ...tsx('processor/main.ts'),
      // The demo's rules: silence after 45 s instead of 5 min, so the fleet's scripted unplugged
      // sensor (its -127 °C readings are dead-lettered by the gateway) opens an anomaly within minutes.
      env: { ...env, IOT_PROCESSOR_HTTP_PORT: String(ports.processorHttp), IOT_PROCESSOR_RULES_FILE: opts.rulesFile },
      healthUrl: `http://127.0.0.1:${ports.processorHttp}/ready`,
    },
    {
      name: 'api',
      ...tsx('api/main.ts'),
      env: { ...env, IOT_HTTP_PORT: String(ports.api) },
      healthUrl: `http://127.0.0.1:${ports.api}/ready`,
    },
    {
      name: 'fleet',
      ...tsx('device-sim/main.ts', ['--fleet', opts.fleetFile, '--url', `mqtt://127.0.0.1:${ports.mqtt}`, '--id-prefix', 'demo', '--duration', '30d', '--seed', String(opts.seed), '--progress', 'off']),
      env,
    },
  ]
}

/** What the demo prints once everything is up: where to look and a line that lands on the dashboard. */
export function banner(ports: DemoPorts): string {
  const id = 'my-esp32'
  return [
    '',
    'The pipeline is running (Ctrl-C stops everything the demo started):',
    `  dashboard     http://127.0.0.1:${ports.api}/`,
    `  API docs      http://127.0.0.1:${ports.api}/docs`,
    `  MQTT          mqtt://127.0.0.1:${ports.mqtt}  (anonymous demo mode: username = client id = device id)`,
    `  health        gateway http://127.0.0.1:${ports.gatewayHttp}/metrics, processor http://127.0.0.1:${ports.processorHttp}/metrics`,
    '',
    'Publish a reading of your own; it appears in the dashboard device list:',
    `  mosquitto_pub -h 127.0.0.1 -p ${ports.mqtt} -i ${id} -u ${id} -q 1 -t devices/${id}/telemetry -m '{"seq":1,"sensor":"bme280","temperature":22.5,"humidity":40}'`,
    '',
  ].join('\n')
}
