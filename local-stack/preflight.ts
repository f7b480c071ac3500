// Checks that turn "the stack did not start" into a message saying what to install or change.
import { spawnSync } from 'node:child_process'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { StackError } from './errors.ts'

export function javaCommand(env: NodeJS.ProcessEnv = process.env): string {
  return env.JAVA_HOME ? join(env.JAVA_HOME, 'bin', 'java') : 'java'
}

/** Kafka 4.x brokers need Java 17+, Cassandra 5.0 runs on 11 or 17 (local-stack.md). */
export function checkJava(env: NodeJS.ProcessEnv = process.env): number {
  const java = javaCommand(env)
  const out = spawnSync(java, ['-version'], { encoding: 'utf8', env })
  if (out.error) {
    throw new StackError(
      'STACK_ERR_JAVA_MISSING',
      `Java 17 is required to run Kafka and Cassandra, but "${java}" could not be run (${(out.error as NodeJS.ErrnoException).code}). ` +
        'Install it (Debian: apt-get install openjdk-17-jre-headless) or set JAVA_HOME.',
    )
  }
  const m = /version "(\d+)(?:\.(\d+))?/.exec(`${out.stderr}${out.stdout}`)
  const major = m ? (m[1] === '1' ? Number(m[2]) : Number(m[1])) : 0
  if (major < 17) {
    throw new StackError('STACK_ERR_JAVA_VERSION', `Java 17 is required; "${java}" is version ${major || 'unknown'}. Install openjdk-17 or point JAVA_HOME at a JDK 17.`)
  }
  return major
}

export function checkMaven(env: NodeJS.ProcessEnv = process.env): void {
  const out = spawnSync('mvn', ['-v'], { encoding: 'utf8', env })
  if (out.error) {
    throw new StackError(
      'STACK_ERR_MAVEN_MISSING',
      'Maven is required once, to fetch the Kafka and Cassandra jars from Maven Central, but "mvn" could not be run. ' +
        'Install it (Debian: apt-get install maven).',
    )
  }
}

/** Resolves when 127.0.0.1:port can be bound; a port held by another program is an error naming the setting. */
export function checkPortFree(port: number, what: string, setting: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        new StackError(
          'STACK_ERR_PORT_TAKEN',
          `${what} needs port ${port} on 127.0.0.1, but another program holds it (${err.code}). ` +
            `Stop that program, or choose another port with ${setting}=<port> (0 picks a free one).`,
        ),
      )
    })
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve()))
  })
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}
