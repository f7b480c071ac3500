// npm run demo — the main job. Today it brings up the real stack and provisions topics and schema;
// the gateway, processor, API/dashboard and simulated fleet join it as their issues land (issue 7).
import { loadConfig } from '../config/load-config.ts'
import { StackConfig } from '../local-stack/config.ts'
import { stackUp } from '../local-stack/stack.ts'
import { ProvisionConfig } from '../provision/config.ts'
import { provisionSchema, provisionTopics } from '../provision/provision.ts'

try {
  const { stack } = loadConfig(StackConfig)
  const ep = await stackUp(stack)
  const env = { ...process.env, IOT_KAFKA_BROKERS: process.env.IOT_KAFKA_BROKERS ?? ep.kafkaBrokers, IOT_CASSANDRA_CONTACT_POINTS: process.env.IOT_CASSANDRA_CONTACT_POINTS ?? ep.cassandraContactPoint }
  const cfg = loadConfig(ProvisionConfig, { env })
  const created = await provisionTopics(cfg)
  const schema = await provisionSchema(cfg)
  console.log(`topics: ${created.length ? `created ${created.join(', ')}` : 'present'}; keyspace ${cfg.cassandra.keyspace}: ${schema.applied.length} migrations applied, ${schema.alreadyApplied.length} already`)
  console.log(`Kafka ${env.IOT_KAFKA_BROKERS}, Cassandra ${env.IOT_CASSANDRA_CONTACT_POINTS} are up and provisioned.`)
  console.log('Not yet part of the demo: gateway, processor, API/dashboard and simulated fleet (they join as their issues land). Stop the stack with npm run stack:down.')
} catch (err) {
  const e = err as Error & { code?: string }
  console.error(`${e.code ? `${e.code}: ` : ''}${e.message}`)
  process.exit(1)
}
