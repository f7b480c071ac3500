// npm run topics:create | cql:migrate | provision  (the last does both)
import { configHelp, loadConfig } from '../config/load-config.ts'
import { ProvisionConfig } from './config.ts'
import { provisionSchema, provisionTopics } from './provision.ts'

const [command, ...flags] = process.argv.slice(2)
if (!command || !['topics', 'migrate', 'all'].includes(command) || flags.includes('--help')) {
  console.log(`usage: npm run topics:create | cql:migrate | provision [-- flags]\n\n${configHelp(ProvisionConfig)}`)
  process.exit(flags.includes('--help') ? 0 : 2)
}

try {
  const cfg = loadConfig(ProvisionConfig, { argv: flags })
  if (command !== 'migrate') {
    const created = await provisionTopics(cfg)
    console.log(created.length ? `created topics: ${created.join(', ')}` : 'topics already exist')
  }
  if (command !== 'topics') {
    const r = await provisionSchema(cfg)
    console.log(`keyspace ${cfg.cassandra.keyspace}: applied [${r.applied.join(', ')}], already applied [${r.alreadyApplied.join(', ')}]`)
  }
} catch (err) {
  const e = err as Error & { code?: string }
  console.error(`${e.code ? `${e.code}: ` : ''}${e.message}`)
  process.exit(1)
}
