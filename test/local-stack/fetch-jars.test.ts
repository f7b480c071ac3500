import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { StackError } from '../../local-stack/errors.ts'
import { ensureJars, pinnedVersion } from '../../local-stack/fetch-jars.ts'

test('the pinned versions are Kafka 4.1.x and Cassandra 5.0.x', () => {
  assert.match(pinnedVersion('kafka'), /^4\.1\.\d+$/)
  assert.match(pinnedVersion('cassandra'), /^5\.0\.\d+$/)
})

test('when Maven cannot fetch, the error says so and leaves no half-filled cache', (t) => {
  const cache = mkdtempSync(join(tmpdir(), 'iot-cache-'))
  const emptyRepo = mkdtempSync(join(tmpdir(), 'iot-m2-'))
  // Each run used to leave both (empty) directories in /tmp.
  t.after(() => {
    rmSync(cache, { recursive: true, force: true })
    rmSync(emptyRepo, { recursive: true, force: true })
  })
  // Offline with an empty local repository: exactly what an unreachable Maven Central looks like.
  assert.throws(
    () => ensureJars(cache, 'kafka', `-o -Dmaven.repo.local=${emptyRepo}`),
    (err: unknown) => {
      assert.ok(err instanceof StackError && err.code === 'STACK_ERR_FETCH_FAILED', String(err))
      assert.equal(err.retriable, true)
      assert.match(err.message, /Maven Central/)
      return true
    },
  )
  assert.deepEqual(readdirSync(cache), [])
  assert.equal(existsSync(join(cache, `kafka-${pinnedVersion('kafka')}`)), false)
})
