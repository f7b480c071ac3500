import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { repoRoot } from '../gateway/helpers/spawn-tsx.ts'

// Each case is a fresh Node process: the substitution is about module load order.
function run(code: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 })
  return { status: r.status, stdout: r.stdout, stderr: r.stderr }
}

const probe = `
  import { createRequire } from 'node:module'
  const require = createRequire(process.cwd() + '/x.js')
  const { Kafka } = await import('kafkajs')
  const v3 = require('kafkajs/src/protocol/requests/produce/v3/request.js')
  const v7 = require('kafkajs/src/protocol/requests/produce/v7/request.js')
  const req = v7({ acks: -1, timeout: 1000, topicData: [{ topic: 't', partitions: [{ partition: 0, messages: [{ key: 'k', value: 'v' }] }] }] })
  const { groupMessagesPerPartition } = await import('./kafka-client/group-messages-per-partition.ts')
  console.log(JSON.stringify({
    kafka: typeof Kafka,
    group: require('kafkajs/src/producer/groupMessagesPerPartition.js') === groupMessagesPerPartition,
    v3: v3.name === 'leanProduceRequestV3',
    v7: req.apiVersion,
  }))`

test('imported first, it puts the one-pass encoder and linear grouping in KafkaJS (Produce v3–v7)', () => {
  const r = run(`import './kafka-client/install-lean-produce.ts'\n${probe}`)
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), { kafka: 'function', group: true, v3: true, v7: 7 })
})

test('without it KafkaJS keeps its own modules (what the probe above would see unpatched)', () => {
  const r = run(probe)
  assert.equal(r.status, 0, r.stderr)
  assert.deepEqual(JSON.parse(r.stdout), { kafka: 'function', group: false, v3: false, v7: 7 })
})

test('imported after kafkajs, it stops the process with the reason instead of running the slow path', () => {
  const r = run(`import 'kafkajs'\nimport './kafka-client/install-lean-produce.ts'`)
  assert.notEqual(r.status, 0)
  assert.match(r.stderr, /kafkajs was loaded before kafka-client\/install-lean-produce\.ts/)
})

test('the gateway and its Kafka thread import it before anything else', () => {
  for (const file of ['gateway/main.ts', 'gateway/sink/kafka-worker.ts']) {
    const firstImport = readFileSync(`${repoRoot}/${file}`, 'utf8').split('\n').find((l) => l.startsWith('import '))
    assert.match(firstImport ?? '', /^import '(\.\.\/)+kafka-client\/install-lean-produce\.ts'$/, file)
  }
})
