import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cpuSeconds, ProcessMeter, rssMiB } from '../../bench/lib/proc-stats.ts'

test('reads CPU seconds and RSS of a live process from /proc', () => {
  assert.ok((cpuSeconds(process.pid) ?? -1) > 0)
  const rss = rssMiB(process.pid) ?? 0
  // within a few MiB of what Node reports for itself
  assert.ok(Math.abs(rss - process.memoryUsage().rss / 2 ** 20) < 16, `rss ${rss}`)
})

test('a process that is gone reads as undefined, not as a crash', () => {
  assert.equal(cpuSeconds(2 ** 22 + 12_345), undefined)
  assert.equal(rssMiB(2 ** 22 + 12_345), undefined)
})

test('CPU share over an interval matches what Node counts for itself; peak RSS kept', async () => {
  const meter = new ProcessMeter({ self: process.pid })
  const t0 = performance.now()
  const cpu0 = process.cpuUsage()
  meter.start()
  const end = performance.now() + 500
  let x = 0
  while (performance.now() < end) x += Math.sqrt(x + 1)
  const hold = Buffer.alloc(64 * 2 ** 20, 1) // touched, so resident
  meter.sample()
  const { components, machineBusyPercent } = meter.stop()
  const used = process.cpuUsage(cpu0)
  const expected = ((used.user + used.system) / 1e3 / (performance.now() - t0)) * 100
  const self = components[0]
  assert.ok(self && x > 0 && hold[0] === 1)
  // /proc counts in 10 ms ticks: over ~500 ms that is a few percent either way.
  assert.ok(Math.abs(self.cpuPercent - expected) <= 10, `meter ${self.cpuPercent} % vs process.cpuUsage ${expected.toFixed(1)} %`)
  assert.ok(self.rssPeakMiB >= 64, `peak ${self.rssPeakMiB}`)
  assert.ok(machineBusyPercent > 0 && machineBusyPercent <= 100)
})
