// Starts bench/lib/bare-aedes-main.ts as its own process (so its CPU and RSS are its own, as
// Mosquitto's are) and reads its PUBLISH counter.
import { spawnTsx } from '../../test/gateway/helpers/spawn-tsx.ts'

export interface BareAedes {
  port: number
  pid: number
  /** PUBLISH packets received so far */
  received(): Promise<number>
  stop(): Promise<void>
}

export async function startBareAedes(): Promise<BareAedes> {
  const child = spawnTsx('bench/lib/bare-aedes-main.ts', [])
  const stdout = child.stdout as NonNullable<typeof child.stdout>
  stdout.setEncoding('utf8')
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const nextLine = (): Promise<number> =>
    new Promise((resolve, reject) => {
      if (child.exitCode !== null || child.signalCode !== null) return reject(new Error('bare aedes exited'))
      const onData = (d: string): void => {
        cleanup()
        resolve(Number(d.trim().split('\n').at(-1)))
      }
      const onExit = (): void => {
        cleanup()
        reject(new Error('bare aedes exited'))
      }
      const cleanup = (): void => {
        stdout.off('data', onData)
        child.off('exit', onExit)
      }
      stdout.on('data', onData)
      child.once('exit', onExit)
    })
  const port = await nextLine()
  return {
    port,
    pid: child.pid as number,
    received: () => {
      // one request at a time: the answer is the next line
      const line = nextLine()
      child.kill('SIGUSR2')
      return line
    },
    stop: async () => {
      if (child.exitCode === null) child.kill('SIGTERM')
      await exited
    },
  }
}
