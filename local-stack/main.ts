// npm run stack:up | stack:down | stack:status | stack:fetch
import { configHelp, loadConfig } from '../config/load-config.ts'
import { StackConfig } from './config.ts'
import { formatStatus, stackDown, stackFetch, stackStatus, stackUp } from './stack.ts'

const [command, ...flags] = process.argv.slice(2)
const usage = `usage: npm run stack:<up|down|status|fetch> [-- flags]\n\n${configHelp(StackConfig)}`

if (!command || flags.includes('--help') || command === '--help') {
  console.log(usage)
  process.exit(command ? 0 : 2)
}

try {
  const { stack } = loadConfig(StackConfig, { argv: flags })
  if (command === 'up') await stackUp(stack)
  else if (command === 'down') await stackDown(stack)
  else if (command === 'status') console.log(formatStatus(await stackStatus(stack), stack))
  else if (command === 'fetch') stackFetch(stack)
  else {
    console.error(`unknown command "${command}"\n${usage}`)
    process.exit(2)
  }
} catch (err) {
  const e = err as Error & { code?: string }
  console.error(`${e.code ? `${e.code}: ` : ''}${e.message}`)
  process.exit(1)
}
