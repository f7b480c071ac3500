// Settings of `npm run demo` (flags or IOT_DEMO_* variables). Kafka and Cassandra come from the
// usual IOT_KAFKA_* / IOT_CASSANDRA_* settings when given; otherwise the demo runs the local stack.
import { Type, type Static } from '@sinclair/typebox'

export const DemoConfig = Type.Object({
  demo: Type.Object({
    mqttPort: Type.Integer({ minimum: 0, maximum: 65535, default: 1883, description: 'gateway MQTT port; when taken, a free port is used and printed (0 = always a free port)' }),
    apiPort: Type.Integer({ minimum: 0, maximum: 65535, default: 8080, description: 'API and dashboard port; when taken, a free port is used and printed' }),
    fleetFile: Type.String({ default: 'demo/fleet.json', description: 'simulated fleet (device-sim fleet file)' }),
    rulesFile: Type.String({ default: 'demo/rules.json', description: 'processor anomaly rules for the demo' }),
    seed: Type.Integer({ default: 42, description: 'simulator seed' }),
    readyTimeoutMs: Type.Integer({ minimum: 5_000, default: 120_000, description: 'how long each service may take to become ready, ms' }),
  }),
})
export type DemoConfig = Static<typeof DemoConfig>['demo']
