import assert from 'node:assert/strict'
import { test } from 'node:test'
import { benchNodeArgs } from '../../bench/lib/bench-node-args.ts'

test('benchNodeArgs: a CPU profile directory and extra Node flags from the environment, nothing when unset', () => {
  assert.deepEqual(benchNodeArgs({}), [])
  assert.deepEqual(benchNodeArgs({ BENCH_CPU_PROF: '/tmp/p' }), ['--cpu-prof', '--cpu-prof-dir=/tmp/p'])
  assert.deepEqual(benchNodeArgs({ BENCH_CPU_PROF: '/tmp/p', BENCH_NODE_ARGS: '--trace-gc  --max-old-space-size=512' }), [
    '--cpu-prof',
    '--cpu-prof-dir=/tmp/p',
    '--trace-gc',
    '--max-old-space-size=512',
  ])
})
