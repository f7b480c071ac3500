// `npm run api -- --help` documents every setting; a bad setting stops start-up with all problems.
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'

const root = join(import.meta.dirname, '..', '..')
const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'api/main.ts', ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH } })

test('--help lists flags and IOT_* variables; invalid config exits 2 naming every problem', () => {
  const help = run(['--help'])
  assert.equal(help.status, 0)
  for (const s of ['--http-port', 'IOT_HTTP_PORT', '--http-auth-token', '--limits-readings-max-range-ms', '--stream-poll-interval-ms', 'IOT_CASSANDRA_CONTACT_POINTS', '(default 8080)']) {
    assert.ok(help.stdout.includes(s), s)
  }
  const bad = run(['--http-port=99999', '--limits-max-page-size=0'])
  assert.equal(bad.status, 2)
  assert.match(bad.stderr, /--http-port/)
  assert.match(bad.stderr, /--limits-max-page-size/)
})
