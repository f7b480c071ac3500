// The error registry, the HTTP status map and the docs table in api/README.md agree (style lesson 3,
// like fastify's test/internals/errors.test.js).
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { ApiErrorCodes, AppError, httpStatusOf } from '../../api/errors.ts'
import { toAppError } from '../../api/http/error-handler.ts'

const readme = readFileSync(join(import.meta.dirname, '..', '..', 'api', 'README.md'), 'utf8')
const docRows = [...readme.matchAll(/^\| `(API_ERR_[A-Z_]+)` \| (\d{3}) \|/gm)].map((m) => [m[1] as string, Number(m[2])] as const)

test('every registered code has a status and a docs row with that status, and nothing else is documented', () => {
  assert.deepEqual(Object.keys(httpStatusOf).sort(), [...ApiErrorCodes].sort())
  assert.deepEqual(docRows.map(([c]) => c).sort(), [...ApiErrorCodes].sort())
  for (const [code, status] of docRows) assert.equal(status, httpStatusOf[code as keyof typeof httpStatusOf], code)
  assert.equal(new Set(ApiErrorCodes).size, ApiErrorCodes.length)
})

test('codes are API_ERR_* and statuses are 4xx/5xx', () => {
  for (const c of ApiErrorCodes) {
    assert.match(c, /^API_ERR_[A-Z_]+$/)
    assert.ok(httpStatusOf[c] >= 400 && httpStatusOf[c] < 600)
  }
})

test('unknown errors become API_ERR_INTERNAL without their message', () => {
  const e = toAppError(new TypeError('secret detail at /srv/app.js:12'))
  assert.equal(e.code, 'API_ERR_INTERNAL')
  assert.doesNotMatch(e.message, /secret|app\.js/)
  assert.equal(new AppError('API_ERR_BAD_TIME', 'x').statusCode, 400)
})

test('driver failures: outages and a missing schema are 503 API_ERR_STORE_UNAVAILABLE, syntax errors are not', async () => {
  const { default: cassandra } = await import('cassandra-driver')
  const { storeUnavailable } = await import('../../api/store/store-errors.ts')
  const rc = cassandra.types.responseErrorCodes
  assert.equal(storeUnavailable(new cassandra.errors.NoHostAvailableError({}))?.code, 'API_ERR_STORE_UNAVAILABLE')
  assert.equal(storeUnavailable(new cassandra.errors.OperationTimedOutError('timed out', '127.0.0.1:9042'))?.code, 'API_ERR_STORE_UNAVAILABLE')
  assert.equal(storeUnavailable(new cassandra.errors.ResponseError(rc.readTimeout, 'read timeout'))?.code, 'API_ERR_STORE_UNAVAILABLE')
  assert.match(storeUnavailable(new cassandra.errors.ResponseError(rc.invalid, 'table pipeline_instances does not exist'))?.message ?? '', /cql:migrate/)
  assert.equal(storeUnavailable(new cassandra.errors.ResponseError(rc.syntaxError, 'line 1: no viable alternative')), undefined)
})
