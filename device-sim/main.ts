// `npm run sim -- …` (see --help). Ctrl-C ends the run cleanly and still prints the summary.
import { runCli } from './cli/run-cli.ts'

const stop = new Promise<void>((resolve) => process.once('SIGINT', () => resolve()))
const code = await runCli(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  stop,
})
process.exit(code)
