import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { test } from 'node:test'
import { WindowLatencyProbe } from '../../bench/lib/window-latency.ts'

// A stand-in for GET /api/devices/:id/windows that "closes" a 1 s window 200 ms after end + lateness.
test('latency = first seen − (window end + lateness); windows due but never seen count as missing', async (t) => {
  const windowMs = 1_000
  const latenessMs = 300
  const fromMs = Math.ceil(Date.now() / windowMs) * windowMs
  const server = createServer((req, res) => {
    const id = /\/api\/devices\/([^/]+)\/windows/.exec(req.url ?? '')?.[1]
    if (id === 'unknown') return void res.writeHead(404).end('{}')
    const items = []
    for (let s = fromMs; s + windowMs + latenessMs + 200 <= Date.now(); s += windowMs) {
      // device b never gets its second window
      if (!(id === 'b' && s === fromMs + windowMs)) items.push({ windowStart: new Date(s).toISOString(), metric: 'temperature' })
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items }))
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  t.after(() => server.close())
  const api = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const probe = new WindowLatencyProbe({ api, deviceIds: ['a', 'b', 'unknown'], windowMs, allowedLatenessMs: latenessMs, fromMs, pollMs: 20 })
  probe.start()
  await new Promise((r) => setTimeout(r, 5_000))
  const loadEnd = Date.now() - 700 // windows due after this are not judged
  const r = probe.stop(loadEnd)
  assert.equal(probe.errors, 0)
  assert.ok(r.windows >= 4, `windows ${r.windows}`)
  // never before the stand-in closes it (200 ms), and found by the 20 ms polls soon after
  assert.ok(r.p50Ms >= 190 && r.p50Ms < 1_000, `p50 ${r.p50Ms}`)
  // b's missing window, and every due window of the device the API does not know
  assert.ok(r.missing >= 4, `missing ${r.missing}`)
})
