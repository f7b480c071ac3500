// The local stack's Cassandra process, for benchmarks that read its CPU from /proc: only when the
// configured contact point is that very server (`npm run stack:up`); any other Cassandra is
// measured by rate only.
import { loadConfig } from '../../config/load-config.ts'
import { StackConfig } from '../../local-stack/config.ts'
import { stackStatus } from '../../local-stack/stack.ts'

export async function localCassandraPid(contactPoints: readonly string[]): Promise<number | undefined> {
  const servers = await stackStatus(loadConfig(StackConfig).stack).catch(() => [])
  const cass = servers.find((s) => s.server.toLowerCase().startsWith('cassandra') && s.state === 'up')
  if (!cass?.pid || contactPoints.length !== 1) return undefined
  const port = Number((contactPoints[0] as string).split(':')[1] ?? 9042)
  return port === cass.port ? cass.pid : undefined
}
