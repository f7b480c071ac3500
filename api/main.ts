// `npm run api`: configuration, build(), listen(), clean shutdown on SIGINT/SIGTERM. No logic here.
import { configHelp, loadConfig } from '../config/load-config.ts'
import { build } from './app.ts'
import { ApiConfig } from './config.ts'

const argv = process.argv.slice(2)
if (argv.includes('--help')) {
  console.log(`usage: npm run api -- [flags]\n\nflag / environment variable / meaning (default)\n${configHelp(ApiConfig)}`)
  process.exit(0)
}
let config: ApiConfig
try {
  config = loadConfig(ApiConfig, { argv })
} catch (err) {
  console.error((err as Error).message)
  process.exit(2)
}
const app = await build({ config })
let closing = false
const shutdown = (signal: string): void => {
  if (closing) return
  closing = true
  app.log.info({ signal }, 'shutting down')
  const force = setTimeout(() => process.exit(1), 10_000).unref() // a hung close must not keep the process alive
  app.close().then(
    () => {
      clearTimeout(force)
      app.log.info('stopped')
      process.exit(0)
    },
    (err: unknown) => {
      app.log.error({ err }, 'close failed')
      process.exit(1)
    },
  )
}
process.on('SIGINT', () => shutdown('SIGINT'))
process.on('SIGTERM', () => shutdown('SIGTERM'))
await app.listen({ host: config.http.host, port: config.http.port })
