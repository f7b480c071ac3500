// Optional bearer-token auth (issue 6 §5): /api/* needs the token; health, metrics, docs and the
// dashboard's files stay open; the token never appears in a log line.
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { after, before, test } from 'node:test'
import { pino } from 'pino'
import { redactPaths } from '../../api/app.ts'
import { apiFixture, insertDevice, type ApiFixture } from './helpers/api-fixture.ts'

const TOKEN = 's3cret-token-value'
const lines: string[] = []
let f: ApiFixture

before(async () => {
  const sink = new Writable({
    write(chunk, _enc, cb) {
      lines.push(String(chunk))
      cb()
    },
  })
  const logger = pino({ level: 'info', redact: { paths: redactPaths, censor: '[redacted]' }, serializers: { req: (r) => ({ method: r.method, url: r.url, headers: r.headers }) } }, sink)
  f = await apiFixture([`--http-auth-token=${TOKEN}`], { logger })
  await insertDevice(f.client, 'dev-a', Date.now())
})
after(async () => f?.close())

test('/api/* without or with a wrong token → 401 with a code and WWW-Authenticate', async () => {
  for (const headers of [{}, { authorization: 'Bearer wrong' }, { authorization: `Basic ${TOKEN}` }, { authorization: 'Bearer' }]) {
    for (const url of ['/api/devices', '/api/devices/dev-a', '/api/anomalies', '/api/pipeline', '/api/stream', '/api/nothing']) {
      const r = await f.app.inject({ url, headers })
      assert.equal(r.statusCode, 401, `${url} ${JSON.stringify(headers)}`)
      assert.equal(r.json().error, 'API_ERR_UNAUTHORIZED')
      assert.match(r.headers['www-authenticate'] as string, /^Bearer/)
    }
  }
})

test('the right token opens /api/*; health, metrics, docs and the dashboard stay open', async () => {
  const r = await f.app.inject({ url: '/api/devices/dev-a', headers: { authorization: `Bearer ${TOKEN}` } })
  assert.equal(r.statusCode, 200)
  for (const url of ['/health', '/ready', '/metrics', '/docs/json', '/', '/app.js', '/vendor/uplot/uPlot.iife.min.js']) {
    assert.equal((await f.app.inject(url)).statusCode, 200, url)
  }
  const doc = (await f.app.inject('/docs/json')).json()
  assert.deepEqual(doc.components.securitySchemes.bearer, { type: 'http', scheme: 'bearer' })
})

test('the token is redacted from logs', () => {
  const all = lines.join('')
  assert.ok(lines.length > 0)
  assert.ok(!all.includes(TOKEN), 'token leaked into a log line')
  assert.match(all, /"authorization":"\[redacted\]"/, 'the header was logged, redacted')
})
