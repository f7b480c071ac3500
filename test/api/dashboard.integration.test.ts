// The dashboard in a real headless Chromium (Debian's chromium + playwright-core): it loads uPlot
// from our own server, charts windows stored in the real Cassandra, and redraws when a new window
// row appears (via /api/stream). The screenshot goes to test-output/dashboard.png.
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import { after, before, test } from 'node:test'
import { chromium, type Browser } from 'playwright-core'
import { PipelineTally, startCounterWriter } from '../../contracts/pipeline-counters.ts'
import { apiFixture, insertAnomaly, insertDevice, insertWindow, type ApiFixture } from './helpers/api-fixture.ts'

const outDir = join(import.meta.dirname, '..', '..', 'test-output')
const MIN = 60_000
let f: ApiFixture
let browser: Browser
let base: string
const minute = Math.floor(Date.now() / MIN) * MIN

before(async () => {
  f = await apiFixture(['--stream-poll-interval-ms=300'])
  const now = Date.now()
  await insertDevice(f.client, 'greenhouse-1', now)
  await insertDevice(f.client, 'cellar-2', now - 20 * MIN, { status: 'silent', sensor: 'dht22' })
  for (let i = 1; i <= 30; i++) {
    const t = minute - i * MIN
    await insertWindow(f.client, 'greenhouse-1', 60, t, 'temperature', 21 + Math.sin(i / 4) * 2, 0.6)
    await insertWindow(f.client, 'greenhouse-1', 60, t, 'humidity', 45 + Math.cos(i / 5) * 5, 1.5)
  }
  await insertAnomaly(f.client, 'cellar-2', now - 5 * MIN, { kind: 'silence' })
  const tally = new PipelineTally()
  tally.inc('greenhouse-1', 'received', 180)
  tally.inc('greenhouse-1', 'accepted', 178)
  tally.inc('greenhouse-1', 'rejected:SCHEMA', 2)
  const proc = new PipelineTally()
  proc.inc('greenhouse-1', 'consumed', 178)
  proc.inc('greenhouse-1', 'stored_raw', 178)
  proc.inc('greenhouse-1', 'windowed', 175)
  proc.inc('greenhouse-1', 'dead_lettered', 3)
  await startCounterWriter(f.client, tally, { component: 'gateway', intervalMs: 60_000 }).close()
  await startCounterWriter(f.client, proc, { component: 'processor', intervalMs: 60_000 }).close()
  base = await f.app.listen({ host: '127.0.0.1', port: 0 })
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-quic', '--no-first-run', '--disable-sync'],
  })
})

after(async () => {
  await browser?.close()
  await f?.close()
})

test('the dashboard charts stored windows, updates from the stream, and loads nothing from outside', async () => {
  const page = await browser.newPage({ viewport: { width: 1280, height: 860 } })
  const foreign: string[] = []
  page.on('request', (r) => {
    if (!r.url().startsWith(base)) foreign.push(r.url())
  })
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(e.message))
  await page.goto(base, { waitUntil: 'load' })
  assert.equal(await page.evaluate(() => typeof (globalThis as { uPlot?: unknown }).uPlot), 'function', 'uPlot comes from /vendor/uplot')

  const temp = page.locator('#charts [data-metric="temperature"]')
  await temp.locator('canvas').waitFor({ timeout: 15_000 })
  assert.equal(await temp.getAttribute('data-points'), '30')
  assert.equal(await page.locator('#charts [data-metric="humidity"]').getAttribute('data-points'), '30')
  await page.locator('#devices tbody tr[data-device="cellar-2"]').waitFor()
  await page.locator('#live.on').waitFor({ timeout: 10_000 })
  await page.locator('#anomalies li', { hasText: 'cellar-2' }).waitFor({ timeout: 10_000 })
  await page.locator('#pipeline td', { hasText: '180' }).first().waitFor({ timeout: 10_000 })
  // what went to the DLQ, from each side: the gateway per reason, the processor in total
  const row = (label: string) => page.locator('#pipeline tr', { has: page.locator('td', { hasText: label }) }).locator('td.n')
  assert.equal(await row('dead-lettered by the processor').textContent(), '3')
  assert.equal(await row('SCHEMA').textContent(), '2')

  // A window closes: the processor writes its row; the stream must carry it to the chart.
  await insertWindow(f.client, 'greenhouse-1', 60, minute, 'temperature', 26, 0.5)
  await page.locator('#charts [data-metric="temperature"][data-points="31"]').waitFor({ timeout: 15_000 })

  mkdirSync(outDir, { recursive: true })
  await page.screenshot({ path: join(outDir, 'dashboard.png'), fullPage: true })
  assert.deepEqual(foreign, [], 'no request leaves our server (no CDN)')
  assert.deepEqual(errors, [])
})
