import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { MigrationError, readMigrations, splitStatements } from '../../provision/cql-migrate.ts'

test('statements split on ";" at line end, comments dropped', () => {
  const s = splitStatements("-- a comment; not a statement\nCREATE TABLE a (x int PRIMARY KEY);\n\nINSERT INTO a (x) VALUES (1); -- trailing\n")
  assert.deepEqual(s, ['CREATE TABLE a (x int PRIMARY KEY)', 'INSERT INTO a (x) VALUES (1)'])
})

test('the project migrations are ordered, named NNN-name.cql and re-runnable', () => {
  const ms = readMigrations(join(import.meta.dirname, '..', '..', 'cql'))
  assert.ok(ms.length >= 1)
  assert.deepEqual(ms.map((m) => m.version), [...ms.map((m) => m.version)].sort((a, b) => a - b))
  for (const m of ms) for (const s of m.statements) assert.match(s, /IF (NOT )?EXISTS/i, `${m.file}: ${s.slice(0, 60)}`)
})

test('badly named or duplicate migration files are rejected with a code', () => {
  const bad = mkdtempSync(join(tmpdir(), 'cql-'))
  writeFileSync(join(bad, 'first.cql'), 'SELECT 1;')
  assert.throws(() => readMigrations(bad), (e: unknown) => e instanceof MigrationError && e.code === 'CQL_ERR_FILE_NAME')
  const dup = mkdtempSync(join(tmpdir(), 'cql-'))
  writeFileSync(join(dup, '001-a.cql'), 'SELECT 1;')
  writeFileSync(join(dup, '001-b.cql'), 'SELECT 1;')
  assert.throws(() => readMigrations(dup), (e: unknown) => e instanceof MigrationError && e.code === 'CQL_ERR_DUPLICATE_VERSION')
})
