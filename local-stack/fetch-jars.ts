// Fetches a server's jars from Maven Central once, into <cacheDir>/<server>-<version>/. The pinned
// version lives only in local-stack/poms/<server>.xml; Maven's own ~/.m2 cache makes refetches cheap.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { StackError } from './errors.ts'
import { checkMaven } from './preflight.ts'

export type ServerName = 'kafka' | 'cassandra'

const pomsDir = join(dirname(fileURLToPath(import.meta.url)), 'poms')
export const pomFile = (server: ServerName): string => join(pomsDir, `${server}.xml`)

/** The version pinned in the server's pom (<kafka.version> / <cassandra.version>). */
export function pinnedVersion(server: ServerName): string {
  const m = new RegExp(`<${server}\\.version>([^<]+)</`).exec(readFileSync(pomFile(server), 'utf8'))
  if (!m?.[1]) throw new Error(`no <${server}.version> in ${pomFile(server)}`)
  return m[1]
}

export const libDir = (cacheDir: string, server: ServerName): string => resolve(cacheDir, `${server}-${pinnedVersion(server)}`)

export interface FetchResult {
  dir: string
  fetched: boolean
  seconds: number
}

export function ensureJars(cacheDir: string, server: ServerName, mavenArgs = ''): FetchResult {
  const dir = libDir(cacheDir, server)
  if (existsSync(join(dir, '.complete'))) return { dir, fetched: false, seconds: 0 }
  checkMaven()
  const started = Date.now()
  const tmp = `${dir}.partial`
  rmSync(tmp, { recursive: true, force: true })
  mkdirSync(dirname(dir), { recursive: true })
  const args = [
    '-B',
    '-q',
    ...mavenArgs.split(/\s+/).filter(Boolean),
    '-f',
    pomFile(server),
    'dependency:copy-dependencies',
    '-DincludeScope=runtime',
    `-DoutputDirectory=${tmp}`,
  ]
  const out = spawnSync('mvn', args, { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
  if (out.status !== 0) {
    rmSync(tmp, { recursive: true, force: true })
    const detail = `${out.stdout}${out.stderr}`.trim().split('\n').slice(-12).join('\n')
    throw new StackError(
      'STACK_ERR_FETCH_FAILED',
      `Maven could not fetch the ${server} ${pinnedVersion(server)} jars from Maven Central (exit ${out.status}).\n${detail}\n` +
        'Check that Maven Central is reachable (or configure a mirror with IOT_STACK_MAVEN_ARGS="-s settings.xml"), then run `npm run stack:fetch` again.',
      { retriable: true },
    )
  }
  rmSync(dir, { recursive: true, force: true })
  renameSync(tmp, dir)
  writeFileSync(join(dir, '.complete'), `${new Date().toISOString()}\n`)
  return { dir, fetched: true, seconds: (Date.now() - started) / 1000 }
}
