import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { test } from 'node:test'
import { loadConfig } from '../../config/load-config.ts'
import { ProcessorConfig } from '../../processor/config.ts'
import { startProcessor } from '../../processor/processor.ts'

const root = join(import.meta.dirname, '..', '..')

test('npm run processor -- --help documents every flag and exits 0', () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'processor/main.ts', '--help'], { cwd: root, encoding: 'utf8' })
  assert.equal(r.status, 0, r.stderr)
  for (const flag of ['--processor-window-sizes-ms', '--processor-allowed-lateness-ms', '--processor-raw-storage', '--processor-rules-file', '--kafka-brokers', '--cassandra-keyspace']) {
    assert.ok(r.stdout.includes(flag), flag)
  }
  assert.match(r.stdout, /IOT_PROCESSOR_IDLE_TIMEOUT_MS/)
})

test('bad flags are all reported at once; window sizes must divide a day', async () => {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'processor/main.ts', '--processor-allowed-lateness-ms=-1', '--processor-write-concurrency=0'], { cwd: root, encoding: 'utf8' })
  assert.equal(r.status, 2)
  assert.match(r.stderr, /allowed-lateness-ms/)
  assert.match(r.stderr, /write-concurrency/)
  const cfg = loadConfig(ProcessorConfig, { argv: ['--processor-window-sizes-ms=60000,7000'], env: {} })
  assert.deepEqual(cfg.processor.windowSizesMs, [60_000, 7_000])
  await assert.rejects(startProcessor(cfg), (e: Error & { code?: string }) => e.code === 'CONFIG_ERR_INVALID' && /7000/.test(e.message))
})
