// npm test: type check, then every test file in one node:test run against the real stack.
// Integration tests (*.integration.test.ts) need Kafka and Cassandra: the stack from
// IOT_KAFKA_BROKERS + IOT_CASSANDRA_CONTACT_POINTS when both are set (external clusters),
// otherwise the local stack, reused when it is up and started when it is not. If it cannot
// start, the run fails: integration tests never skip themselves.
//   --unit         only files that need no Kafka/Cassandra (no stack is started)
//   --integration  only *.integration.test.ts
//   any other argument filters test files by substring
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { loadConfig } from '../config/load-config.ts'
import { StackConfig } from '../local-stack/config.ts'
import { stackUp } from '../local-stack/stack.ts'

const root = join(import.meta.dirname, '..')
const args = process.argv.slice(2)
const onlyUnit = args.includes('--unit')
const onlyIntegration = args.includes('--integration')
const filters = args.filter((a) => !a.startsWith('--'))

function findTests(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) return findTests(p)
    return name.endsWith('.test.ts') ? [relative(root, p)] : []
  })
}

const isIntegration = (f: string): boolean => f.endsWith('.integration.test.ts')
const files = findTests(join(root, 'test'))
  .filter((f) => (onlyUnit ? !isIntegration(f) : onlyIntegration ? isIntegration(f) : true))
  .filter((f) => filters.length === 0 || filters.some((s) => f.includes(s)))
  .sort()

const step = (title: string): void => console.log(`\n=== ${title}`)

step('type check (tsc --noEmit)')
const tsc = spawnSync(join(root, 'node_modules', '.bin', 'tsc'), ['--noEmit', '-p', root], { stdio: 'inherit', cwd: root })
if (tsc.status !== 0) {
  console.error('type check failed')
  process.exit(1)
}

const env: NodeJS.ProcessEnv = { ...process.env }
if (files.some(isIntegration)) {
  if (env.IOT_KAFKA_BROKERS && env.IOT_CASSANDRA_CONTACT_POINTS) {
    step(`integration target: external Kafka ${env.IOT_KAFKA_BROKERS}, Cassandra ${env.IOT_CASSANDRA_CONTACT_POINTS}`)
  } else {
    const { stack } = loadConfig(StackConfig)
    step(`local stack in ${stack.dir} (reused when up, started when not)`)
    try {
      const ep = await stackUp(stack)
      env.IOT_KAFKA_BROKERS = ep.kafkaBrokers
      env.IOT_CASSANDRA_CONTACT_POINTS = ep.cassandraContactPoint
    } catch (err) {
      const e = err as Error & { code?: string }
      console.error(`the integration tests need the real Kafka and Cassandra, and the stack could not start:\n${e.code ?? ''} ${e.message}`)
      process.exit(1)
    }
  }
}

if (files.length === 0) {
  console.error(`no test files match ${args.join(' ')}`)
  process.exit(1)
}
step(`node:test, ${files.length} files`)
const run = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-reporter=spec', '--test-timeout=600000', ...files],
  { stdio: 'inherit', cwd: root, env },
)
process.exit(run.status ?? 1)
