import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Supervisor } from '../../demo/supervisor.ts'

const node = process.execPath
const http = (port: string, ignoreTerm = false) =>
  `${ignoreTerm ? "process.on('SIGTERM', () => {});" : ''}require('http').createServer((q, r) => r.end('ok')).listen(${port}, '127.0.0.1', () => console.log('listening'))`

test('output is prefixed, health is awaited, stop ends every child', async () => {
  const lines: string[] = []
  const sup = new Supervisor({ out: (l) => lines.push(l), graceMs: 2_000 })
  const port = String(20_000 + Math.floor(Math.random() * 20_000))
  const svc = sup.start({ name: 'web', command: node, args: ['-e', http(port)], healthUrl: `http://127.0.0.1:${port}/` })
  await sup.waitHealthy(svc, 10_000)
  assert.ok(lines.includes('[web] listening'), lines.join('\n'))
  await sup.stop()
  assert.equal(svc.child.signalCode, 'SIGTERM')
})

test('a child that ignores SIGTERM is killed after the grace period', async () => {
  const lines: string[] = []
  const sup = new Supervisor({ out: (l) => lines.push(l), graceMs: 300 })
  const port = String(20_000 + Math.floor(Math.random() * 20_000))
  const svc = sup.start({ name: 'stubborn', command: node, args: ['-e', http(port, true)], healthUrl: `http://127.0.0.1:${port}/` })
  await sup.waitHealthy(svc, 10_000)
  await sup.stop()
  assert.equal(svc.child.signalCode, 'SIGKILL')
  assert.ok(lines.some((l) => l.includes('SIGKILL')))
})

test('a service that exits before it is healthy is reported, not waited for forever', async () => {
  const sup = new Supervisor({ out: () => {} })
  const svc = sup.start({ name: 'crash', command: node, args: ['-e', 'process.exit(3)'], healthUrl: 'http://127.0.0.1:9/' })
  await assert.rejects(sup.waitHealthy(svc, 10_000), /exited before it became healthy/)
  assert.equal(await svc.exited, 3)
})
