// `npm run processor -- [flags]`: wires configuration, the processor and signals. No logic here.
import { configHelp, loadConfig } from '../config/load-config.ts'
import { ProcessorConfig } from './config.ts'
import { startProcessor } from './processor.ts'

const argv = process.argv.slice(2)
if (argv.includes('--help') || argv.includes('-h')) {
  console.log(`npm run processor -- [flags]

Consumes canonical readings from Kafka, computes event-time tumbling windows and anomalies, and
stores them in Cassandra with effectively-once results (checkpoint, then commit). Start more
instances with the same --processor-group-id to share partitions.

Flags (and IOT_* environment variables; flags win):
${configHelp(ProcessorConfig)}

HTTP: GET /health, GET /ready, GET /metrics on --processor-http-host:--processor-http-port.`)
  process.exit(0)
}

let cfg: ProcessorConfig
try {
  cfg = loadConfig(ProcessorConfig, { argv })
} catch (err) {
  console.error((err as Error).message)
  process.exit(2)
}

const proc = await startProcessor(cfg).catch((err: unknown) => {
  const e = err as Error & { code?: string; type?: string }
  console.error(`processor could not start: ${e.code ?? e.type ?? e.name}: ${e.message}`)
  process.exit(1)
})
let stopping = false
const shutdown = (signal: string): void => {
  if (stopping) return
  stopping = true
  proc.log.info({ signal }, 'stopping: checkpointing partitions')
  const force = setTimeout(() => process.exit(1), 30_000)
  force.unref()
  proc.stop().then(
    () => process.exit(0),
    (err: unknown) => {
      proc.log.error({ err: (err as Error).message }, 'stop failed')
      process.exit(1)
    },
  )
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
