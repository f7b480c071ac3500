// Applies cql/NNN-name.cql in version order, once each. Applied versions are recorded in
// <keyspace>.schema_migrations with a checksum: a file edited after it was applied is an error
// (write a new migration instead), and re-running applies nothing (idempotent).
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type cassandra from 'cassandra-driver'
import { replicationCql, type CassandraConnection } from '../config/cassandra-connection.ts'

export interface Migration {
  version: number
  name: string
  file: string
  checksum: string
  statements: string[]
}

export class MigrationError extends Error {
  readonly code: 'CQL_ERR_CHECKSUM' | 'CQL_ERR_FILE_NAME' | 'CQL_ERR_DUPLICATE_VERSION'
  readonly retriable = false
  constructor(code: MigrationError['code'], message: string) {
    super(message)
    this.name = 'MigrationError'
    this.code = code
  }
}

/** Statements of a CQL file: `--` comments dropped, split on `;` at the end of a line. */
export function splitStatements(cql: string): string[] {
  return cql
    .split('\n')
    .map((line) => line.replace(/--.*$/, ''))
    .join('\n')
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
}

export function readMigrations(dir: string): Migration[] {
  const out: Migration[] = []
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.cql')).sort()) {
    const m = /^(\d{3,})-([a-z0-9-]+)\.cql$/.exec(file)
    if (!m) throw new MigrationError('CQL_ERR_FILE_NAME', `${file}: migration files are named NNN-name.cql (e.g. 002-processor-state.cql)`)
    const text = readFileSync(join(dir, file), 'utf8')
    const version = Number(m[1])
    if (out.some((x) => x.version === version)) throw new MigrationError('CQL_ERR_DUPLICATE_VERSION', `${file}: version ${version} is used twice`)
    out.push({ version, name: m[2] as string, file, checksum: createHash('sha256').update(text).digest('hex'), statements: splitStatements(text) })
  }
  return out.sort((a, b) => a.version - b.version)
}

export interface MigrateResult {
  applied: number[]
  alreadyApplied: number[]
}

/** `client` must be connected without a keyspace; the keyspace is created here when missing. */
export async function migrate(client: cassandra.Client, conn: CassandraConnection, dir: string): Promise<MigrateResult> {
  const ks = conn.keyspace
  await client.execute(`CREATE KEYSPACE IF NOT EXISTS ${ks} WITH replication = ${replicationCql(conn)}`)
  await client.execute(`CREATE TABLE IF NOT EXISTS ${ks}.schema_migrations (version int PRIMARY KEY, name text, checksum text, applied_at timestamp)`)
  const rows = await client.execute(`SELECT version, checksum FROM ${ks}.schema_migrations`, [], { prepare: false })
  const applied = new Map(rows.rows.map((r) => [r.get('version') as number, r.get('checksum') as string]))
  const result: MigrateResult = { applied: [], alreadyApplied: [] }
  // The driver applies USE to every pooled connection, so unqualified names in files resolve here.
  await client.execute(`USE ${ks}`)
  for (const m of readMigrations(dir)) {
    const sum = applied.get(m.version)
    if (sum !== undefined) {
      if (sum !== m.checksum) throw new MigrationError('CQL_ERR_CHECKSUM', `${m.file} changed after it was applied to ${ks}; add a new migration instead of editing it`)
      result.alreadyApplied.push(m.version)
      continue
    }
    for (const stmt of m.statements) await client.execute(stmt)
    await client.execute(`INSERT INTO ${ks}.schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)`, [m.version, m.name, m.checksum, new Date()], {
      prepare: true,
    })
    result.applied.push(m.version)
  }
  return result
}
