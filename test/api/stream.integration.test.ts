// /api/stream over a real socket: hello, then a `window` event when a window row appears and an
// `anomaly` event when one opens and again when it closes; the client cap answers 503.
import assert from 'node:assert/strict'
import { request, type IncomingMessage } from 'node:http'
import { after, before, test } from 'node:test'
import { apiFixture, insertAnomaly, insertDevice, insertWindow, type ApiFixture } from './helpers/api-fixture.ts'

let f: ApiFixture
let base: string
const MIN = 60_000

before(async () => {
  f = await apiFixture(['--stream-poll-interval-ms=200', '--stream-max-clients=2', '--stream-window-sizes=60,3600'])
  await insertDevice(f.client, 'dev-s', Date.now())
  await insertWindow(f.client, 'dev-s', 60, Math.floor(Date.now() / MIN) * MIN - 2 * MIN, 'temperature', 20)
  base = await f.app.listen({ host: '127.0.0.1', port: 0 })
})
after(async () => f?.close())

interface Sse {
  res: IncomingMessage
  next(kind: string, timeoutMs?: number): Promise<Record<string, any>>
  close(): void
}

function connect(): Promise<Sse> {
  return new Promise((resolve, reject) => {
    const req = request(`${base}/api/stream`, (res) => {
      let buf = ''
      const events: Array<[string, Record<string, any>]> = []
      const waiters: Array<() => void> = []
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        buf += chunk
        let i
        while ((i = buf.indexOf('\n\n')) >= 0) {
          const block = buf.slice(0, i)
          buf = buf.slice(i + 2)
          const ev = /^event: (.+)$/m.exec(block)?.[1]
          const data = /^data: (.+)$/m.exec(block)?.[1]
          if (ev && data) events.push([ev, JSON.parse(data)])
          waiters.splice(0).forEach((w) => w())
        }
      })
      resolve({
        res,
        next: async (kind, timeoutMs = 10_000) => {
          const deadline = Date.now() + timeoutMs
          for (;;) {
            const i = events.findIndex(([k]) => k === kind)
            if (i >= 0) return events.splice(i, 1)[0]?.[1] as Record<string, any>
            if (Date.now() > deadline) throw new Error(`no ${kind} event within ${timeoutMs} ms`)
            await new Promise<void>((r) => {
              waiters.push(r)
              setTimeout(r, 100)
            })
          }
        },
        close: () => req.destroy(),
      })
    })
    req.on('error', reject)
    req.end()
  })
}

test('window and anomaly events reach a connected client; the client cap holds', async () => {
  const s = await connect()
  assert.equal(s.res.statusCode, 200)
  assert.match(s.res.headers['content-type'] as string, /^text\/event-stream/)
  assert.deepEqual((await s.next('hello')).windowSizes, [60, 3600])
  await new Promise((r) => setTimeout(r, 600)) // let the first poll learn what already exists

  const start = Math.floor(Date.now() / MIN) * MIN - MIN
  await insertWindow(f.client, 'dev-s', 60, start, 'humidity', 44)
  const w = await s.next('window')
  assert.deepEqual([w.deviceId, w.sizeSeconds, w.metric, w.mean, w.windowStart], ['dev-s', 60, 'humidity', 44, new Date(start).toISOString()])

  const opened = Date.now() - 1000
  const x1 = await insertAnomaly(f.client, 'dev-s', opened)
  const a = await s.next('anomaly')
  assert.deepEqual([a.anomalyId, a.closedAt], [x1, null])
  assert.equal(await insertAnomaly(f.client, 'dev-s', opened, { closedAt: Date.now() }), x1, 'closing rewrites the same row')
  const closed = await s.next('anomaly')
  assert.equal(closed.anomalyId, x1)
  assert.match(closed.closedAt, /^\d{4}-/)

  const s2 = await connect()
  const r = await f.app.inject('/api/stream')
  assert.equal(r.statusCode, 503)
  assert.equal(r.json().error, 'API_ERR_TOO_MANY_STREAMS')
  s2.close()
  s.close()
  const m = await f.app.inject('/metrics')
  assert.match(m.body, /api_stream_events_total\{kind="window"\} [1-9]/)
})
