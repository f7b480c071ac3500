// Every route through app.inject() against the real Cassandra (own keyspace), including bad input,
// paging across day partitions, range caps, unknown devices and the OpenAPI document.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { gunzipSync } from 'node:zlib'
import { apiFixture, insertAnomaly, insertDevice, insertReading, insertWindow, type ApiFixture } from './helpers/api-fixture.ts'

const DAY = 86_400_000
const MIN = 60_000
let f: ApiFixture
/** test name → the id the processor's store gave the anomaly */
const ids: Record<string, string> = {}
const idsOf = (...names: string[]): string[] => names.map((n) => ids[n] as string)
// Readings every 30 min across a UTC day boundary: 2 days before "now", all within the 7-day cap.
const t0 = Math.floor(Date.now() / DAY) * DAY - DAY - 6 * 3_600_000
const readingTimes = Array.from({ length: 40 }, (_, i) => t0 + i * 30 * MIN)

before(async () => {
  f = await apiFixture(['--limits-max-page-size=50', '--limits-default-page-size=10'])
  const now = Date.now()
  for (let i = 0; i < 7; i++) await insertDevice(f.client, `dev-${i}`, now - i * MIN)
  await Promise.all(readingTimes.map((t, i) => insertReading(f.client, 'dev-0', t, i, { temperature: 20 + i / 10, humidity: 40 })))
  // 1-minute windows spanning midnight, two metrics; a few 1-hour windows.
  const w0 = Math.floor(Date.now() / DAY) * DAY - 30 * MIN
  await Promise.all(Array.from({ length: 60 }, (_, i) => insertWindow(f.client, 'dev-0', 60, w0 + i * MIN, 'temperature', 20 + i / 10)))
  await Promise.all(Array.from({ length: 60 }, (_, i) => insertWindow(f.client, 'dev-0', 60, w0 + i * MIN, 'humidity', 40)))
  await Promise.all(Array.from({ length: 3 }, (_, i) => insertWindow(f.client, 'dev-0', 3600, w0 - i * 3_600_000, 'temperature', 21)))
  for (let i = 0; i < 5; i++) ids[`a${i}`] = await insertAnomaly(f.client, 'dev-1', now - (i + 1) * MIN, i % 2 === 0 ? {} : { closedAt: now })
  // Same opened_at (the tie-break of the keyset): the processor's ids differ by metric, and
  // 'threshold:humidity:…' sorts before 'threshold:temperature:…'.
  ids.b0 = await insertAnomaly(f.client, 'dev-2', now - 2 * MIN, { metric: 'humidity' })
  ids.b1 = await insertAnomaly(f.client, 'dev-2', now - 2 * MIN)
  ids.old = await insertAnomaly(f.client, 'dev-3', now - 3 * DAY, { kind: 'silence' })
})
after(async () => f?.close())

const get = async (url: string) => {
  const r = await f.app.inject(url)
  return { status: r.statusCode, body: r.json() as Record<string, any>, headers: r.headers, raw: r.body }
}
const assertError = (r: { status: number; body: Record<string, any>; raw: string }, status: number, code: string) => {
  assert.equal(r.status, status, r.raw)
  assert.equal(r.body.error, code)
  assert.equal(typeof r.body.message, 'string')
  assert.deepEqual(Object.keys(r.body).sort(), ['error', 'message'])
  assert.doesNotMatch(r.raw, /\s+at\s+\S+\s+\(|\.ts:\d+/, 'no stack trace in a response')
}

describe('health', () => {
  test('/health, /ready against the real stack, /metrics, /docs', async () => {
    assert.equal((await get('/health')).status, 200)
    const ready = await get('/ready')
    assert.equal(ready.status, 200, ready.raw)
    assert.deepEqual([ready.body.checks.cassandra.ok, ready.body.checks.kafka.ok], [true, true])
    const m = await f.app.inject('/metrics')
    assert.equal(m.statusCode, 200)
    assert.match(m.headers['content-type'] as string, /^text\/plain; version=0\.0\.4/)
    assert.match(m.body, /api_http_requests_total\{method="GET",route="\/ready",status="200"\} 1/)
    assert.match(m.body, /api_http_request_duration_seconds_bucket\{route="\/health",le="\+Inf"\} 1/)
    const doc = await get('/docs/json')
    assert.equal(doc.body.openapi, '3.0.3')
    for (const p of ['/api/devices', '/api/devices/{id}', '/api/devices/{id}/readings', '/api/devices/{id}/windows', '/api/anomalies', '/api/pipeline', '/api/stream', '/ready', '/metrics']) {
      assert.ok(doc.body.paths[p], `OpenAPI documents ${p}`)
    }
    const q = doc.body.paths['/api/devices/{id}/readings'].get.parameters.map((x: { name: string }) => x.name)
    assert.deepEqual(q.sort(), ['cursor', 'from', 'id', 'limit', 'to'])
    assert.equal((await f.app.inject('/docs')).statusCode < 400, true)
  })
})

describe('devices', () => {
  test('list pages through the registry with an opaque cursor, no repeats', async () => {
    const seen: string[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const r = await get(`/api/devices?limit=3${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(r.status, 200)
      assert.ok(r.body.items.length <= 3)
      seen.push(...r.body.items.map((d: { deviceId: string }) => d.deviceId))
      cursor = r.body.next
      pages++
    } while (cursor)
    assert.deepEqual(seen.sort(), ['dev-0', 'dev-1', 'dev-2', 'dev-3', 'dev-4', 'dev-5', 'dev-6'])
    assert.ok(pages >= 3)
  })

  test('one device; unknown → 404; malformed id → 400', async () => {
    const r = await get('/api/devices/dev-0')
    assert.equal(r.status, 200)
    assert.equal(r.body.deviceId, 'dev-0')
    assert.equal(r.body.sensor, 'bme280')
    assert.equal(r.body.lastSeq, 42)
    assert.match(r.body.lastSeen, /^\d{4}-\d\d-\d\dT/)
    assertError(await get('/api/devices/ghost'), 404, 'API_ERR_DEVICE_NOT_FOUND')
    assertError(await get('/api/devices/bad%20id'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices?limit=0'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices?limit=51'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices?limt=5'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices?cursor=garbage'), 400, 'API_ERR_BAD_CURSOR')
  })
})

describe('readings', () => {
  const range = `from=${t0}&to=${t0 + 2 * DAY}`
  test('pages newest first across day partitions; every reading exactly once', async () => {
    const got: number[] = []
    let cursor: string | null = null
    do {
      const r = await get(`/api/devices/dev-0/readings?${range}&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      assert.equal(r.status, 200, r.raw)
      got.push(...r.body.items.map((x: { seq: number }) => x.seq))
      cursor = r.body.next
    } while (cursor)
    assert.deepEqual(got, readingTimes.map((_, i) => i).reverse())
    const one = (await get(`/api/devices/dev-0/readings?${range}&limit=1`)).body
    assert.deepEqual(one.items[0].metrics, { temperature: 23.9, humidity: 40 })
    assert.equal(one.items[0].eventTime, new Date(readingTimes.at(-1) as number).toISOString())
    assert.equal(one.from, new Date(t0).toISOString())
  })

  test('ISO and epoch ms mean the same; default page size; cursor keeps its range', async () => {
    const iso = await get(`/api/devices/dev-0/readings?from=${new Date(t0).toISOString()}&to=${encodeURIComponent(new Date(t0 + 2 * DAY).toISOString())}`)
    const ms = await get(`/api/devices/dev-0/readings?${range}`)
    assert.deepEqual(iso.body, ms.body)
    assert.equal(ms.body.items.length, 10)
    const next = ms.body.next as string
    assertError(await get(`/api/devices/dev-0/readings?from=${t0 + 1}&to=${t0 + 2 * DAY}&cursor=${next}`), 400, 'API_ERR_BAD_CURSOR')
    assertError(await get(`/api/devices/dev-1/readings?cursor=${next}`), 400, 'API_ERR_BAD_CURSOR')
    assert.equal((await get(`/api/devices/dev-0/readings?cursor=${next}`)).body.items[0].seq, 29)
  })

  test('rows of both readings_raw layouts (typed columns before cql/003, JSON since) are served alike', async () => {
    const t = t0 + 3 * 3_600_000
    const metrics = { temperature: 19.5, humidity: 55 }
    await insertReading(f.client, 'dev-5', t, 2, metrics)
    await f.client.execute(
      'INSERT INTO readings_raw (device_id, day, event_time, boot, seq, received_at, time_source, sensor, dialect, metrics, battery, rssi) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
      ['dev-5', new Date(t).toISOString().slice(0, 10), new Date(t - MIN), 1, 1, new Date(t - MIN + 50), 'device', 'bme280', 'native', metrics, 3.9, -60],
      { prepare: true },
    )
    const r = await get(`/api/devices/dev-5/readings?from=${t - DAY}&to=${t + DAY}`)
    assert.equal(r.status, 200, r.raw)
    const [json, typed] = r.body.items
    assert.equal(r.body.items.length, 2)
    for (const [item, at, seq] of [[json, t, 2], [typed, t - MIN, 1]] as const) {
      assert.deepEqual(item, {
        deviceId: 'dev-5', eventTime: new Date(at).toISOString(), boot: 1, seq, receivedAt: new Date(at + 50).toISOString(),
        timeSource: 'device', sensor: 'bme280', dialect: 'native', metrics, battery: 3.9, rssi: -60,
      })
    }
  })

  test('a tampered paging state is a 400, not a 500', async () => {
    const first = (await get(`/api/devices/dev-0/readings?${range}&limit=3`)).body
    const c = JSON.parse(Buffer.from(first.next, 'base64url').toString())
    c.page = 'deadbeef'
    const r = await get(`/api/devices/dev-0/readings?cursor=${Buffer.from(JSON.stringify(c)).toString('base64url')}`)
    assertError(r, 400, 'API_ERR_BAD_CURSOR')
  })

  test('bad times, inverted and oversized ranges, unknown device', async () => {
    assertError(await get('/api/devices/dev-0/readings?from=yesterday'), 400, 'API_ERR_BAD_TIME')
    assertError(await get(`/api/devices/dev-0/readings?from=${t0}&to=${t0}`), 400, 'API_ERR_BAD_RANGE')
    assertError(await get(`/api/devices/dev-0/readings?from=${t0 - 8 * DAY}&to=${t0}`), 400, 'API_ERR_RANGE_TOO_LARGE')
    assertError(await get('/api/devices/dev-0/readings?from=0'), 400, 'API_ERR_RANGE_TOO_LARGE')
    assertError(await get('/api/devices/dev-0/readings?limit=-1'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices/dev-0/readings?limit=abc'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get(`/api/devices/dev-0/readings?from=${'9'.repeat(100)}`), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices/ghost/readings'), 404, 'API_ERR_DEVICE_NOT_FOUND')
  })
})

describe('windows', () => {
  const w0 = Math.floor(Date.now() / DAY) * DAY - 30 * MIN
  test('oldest first across midnight, both metrics; sizes in seconds or with units', async () => {
    const r = await get(`/api/devices/dev-0/windows?size=1m&from=${w0}&to=${w0 + 60 * MIN}`)
    assert.equal(r.status, 200, r.raw)
    assert.equal(r.body.sizeSeconds, 60)
    assert.equal(r.body.items.length, 120)
    const starts = r.body.items.map((w: { windowStart: string }) => Date.parse(w.windowStart))
    assert.deepEqual(starts, [...starts].sort((a, b) => a - b))
    const first = r.body.items.find((w: { metric: string }) => w.metric === 'temperature')
    assert.equal(first.windowStart, new Date(w0).toISOString())
    assert.equal(first.count, 6)
    assert.equal(first.mean, 20)
    assert.deepEqual(r.body, (await get(`/api/devices/dev-0/windows?size=60&from=${w0}&to=${w0 + 60 * MIN}`)).body)
    const cols = await get(`/api/devices/dev-0/windows?size=1m&from=${w0}&to=${w0 + 60 * MIN}&format=columns`)
    assert.deepEqual(cols.body.items, [])
    assert.deepEqual(Object.keys(cols.body.columns).sort(), ['humidity', 'temperature'])
    assert.equal(cols.body.columns.temperature.windowStart.length, 60)
    assert.equal(cols.body.columns.temperature.windowStart[0], w0)
    assert.equal(cols.body.columns.temperature.mean[0], 20)
    assert.equal(cols.body.columns.temperature.count[59], 6)
    assertError(await get('/api/devices/dev-0/windows?format=csv'), 400, 'API_ERR_BAD_PARAMS')
    const hourly = await get(`/api/devices/dev-0/windows?size=1h&from=${w0 - 3 * 3_600_000}&to=${w0 + 1}`)
    assert.equal(hourly.body.items.length, 3)
    assert.equal(hourly.body.sizeSeconds, 3600)
  })

  test('paged with a limit: same rows as one page', async () => {
    const all = (await get(`/api/devices/dev-0/windows?from=${w0}&to=${w0 + 60 * MIN}`)).body.items
    const paged: unknown[] = []
    let cursor: string | null = null
    do {
      const r = await get(`/api/devices/dev-0/windows?from=${w0}&to=${w0 + 60 * MIN}&limit=25${cursor ? `&cursor=${cursor}` : ''}`)
      paged.push(...r.body.items)
      cursor = r.body.next
    } while (cursor)
    assert.deepEqual(paged, all)
  })

  test('metric= filters on the server, pages and refuses a cursor of another filter; gzip when accepted', async () => {
    const range = `from=${w0}&to=${w0 + 60 * MIN}`
    const all = (await get(`/api/devices/dev-0/windows?${range}`)).body.items as Array<{ metric: string }>
    const temp = await get(`/api/devices/dev-0/windows?${range}&metric=temperature`)
    assert.equal(temp.status, 200, temp.raw)
    assert.equal(temp.body.items.length, 60)
    assert.deepEqual(temp.body.items, all.filter((w) => w.metric === 'temperature'))
    const paged: unknown[] = []
    let cursor: string | null = null
    do {
      const r = await get(`/api/devices/dev-0/windows?${range}&metric=temperature&limit=7${cursor ? `&cursor=${cursor}` : ''}`)
      assert.ok(r.body.items.length <= 7)
      paged.push(...r.body.items)
      cursor = r.body.next
    } while (cursor)
    assert.deepEqual(paged, temp.body.items, 'every window once, across midnight')
    const c = (await get(`/api/devices/dev-0/windows?${range}&metric=temperature&limit=7`)).body.next
    assertError(await get(`/api/devices/dev-0/windows?${range}&metric=humidity&cursor=${c}`), 400, 'API_ERR_BAD_CURSOR')
    assert.deepEqual((await get(`/api/devices/dev-0/windows?${range}&metric=pressure`)).body.items, [])
    assertError(await get(`/api/devices/dev-0/windows?${range}&metric=Temp%20X`), 400, 'API_ERR_BAD_PARAMS')

    const gz = await f.app.inject({ url: `/api/devices/dev-0/windows?${range}`, headers: { 'accept-encoding': 'gzip, deflate, br' } })
    assert.equal(gz.statusCode, 200)
    assert.equal(gz.headers['content-encoding'], 'gzip')
    assert.equal(gz.headers.vary, 'accept-encoding')
    assert.deepEqual(JSON.parse(gunzipSync(gz.rawPayload).toString()).items, all)
    const plain = await f.app.inject({ url: `/api/devices/dev-0/windows?${range}`, headers: { 'accept-encoding': 'gzip;q=0, identity' } })
    assert.equal(plain.headers['content-encoding'], undefined)
    assert.deepEqual(plain.json().items, all)
  })

  test('bad size, oversized range, unknown device', async () => {
    assertError(await get('/api/devices/dev-0/windows?size=1w'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices/dev-0/windows?size=0'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get('/api/devices/dev-0/windows?size=40d'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get(`/api/devices/dev-0/windows?from=${w0 - 40 * DAY}&to=${w0}`), 400, 'API_ERR_RANGE_TOO_LARGE')
    assertError(await get('/api/devices/ghost/windows'), 404, 'API_ERR_DEVICE_NOT_FOUND')
  })
})

describe('anomalies', () => {
  test('fleet-wide, newest first, status filter, keyset paging with ties', async () => {
    const all = await get('/api/anomalies')
    assert.equal(all.status, 200, all.raw)
    const got = all.body.items.map((a: { anomalyId: string }) => a.anomalyId)
    assert.deepEqual(got, idsOf('a0', 'a1', 'b0', 'b1', 'a2', 'a3', 'a4'), 'the 3-day-old one is outside the default 24 h')
    const open = await get('/api/anomalies?status=open')
    assert.deepEqual(open.body.items.map((a: { anomalyId: string }) => a.anomalyId), idsOf('a0', 'b0', 'b1', 'a2', 'a4'))
    assert.ok(open.body.items.every((a: { closedAt: string | null }) => a.closedAt === null))
    const paged: string[] = []
    let cursor: string | null = null
    do {
      const r = await get(`/api/anomalies?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      assert.ok(r.body.items.length <= 2)
      paged.push(...r.body.items.map((a: { anomalyId: string }) => a.anomalyId))
      cursor = r.body.next
    } while (cursor)
    assert.deepEqual(paged, got)
  })

  test('one device, wider range; errors', async () => {
    const r = await get(`/api/anomalies?deviceId=dev-3&from=${Date.now() - 4 * DAY}`)
    assert.deepEqual(r.body.items.map((a: { anomalyId: string }) => a.anomalyId), idsOf('old'))
    assert.deepEqual([r.body.items[0].kind, r.body.items[0].metric, r.body.items[0].closedAt], ['silence', '', null])
    assert.equal((await get('/api/anomalies?deviceId=dev-1&status=closed')).body.items.length, 2)
    assertError(await get('/api/anomalies?deviceId=ghost'), 404, 'API_ERR_DEVICE_NOT_FOUND')
    assertError(await get('/api/anomalies?status=maybe'), 400, 'API_ERR_BAD_PARAMS')
    assertError(await get(`/api/anomalies?from=${Date.now() - 40 * DAY}`), 400, 'API_ERR_RANGE_TOO_LARGE')
    const c = (await get('/api/anomalies?limit=1')).body.next
    assertError(await get(`/api/anomalies?status=open&cursor=${c}`), 400, 'API_ERR_BAD_CURSOR')
  })
})

describe('errors', () => {
  test('unknown routes and methods are JSON 404s', async () => {
    assertError(await get('/api/nothing'), 404, 'API_ERR_ROUTE_NOT_FOUND')
    const r = await f.app.inject({ method: 'DELETE', url: '/api/devices/dev-0' })
    assert.equal(r.statusCode, 404)
    assert.equal(r.json().error, 'API_ERR_ROUTE_NOT_FOUND')
  })
})
