import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from '@sinclair/typebox'
import { benchFlags } from '../../bench/lib/bench-flags.ts'
import { ConfigError } from '../../config/errors.ts'

const Flags = Type.Object({
  rows: Type.Integer({ minimum: 1, default: 100, description: 'rows per pass' }),
  perMutation: Type.Array(Type.Integer({ minimum: 1 }), { default: [1, 4], description: 'sizes' }),
  durationS: Type.Integer({ minimum: 1, default: 15, description: 'seconds' }),
})

test('flags keep their documented names and defaults (--per-mutation, --duration-s)', () => {
  assert.deepEqual(benchFlags(Flags, [], 'usage'), { rows: 100, perMutation: [1, 4], durationS: 15 })
  assert.deepEqual(benchFlags(Flags, ['--rows', '7', '--per-mutation', '2,8', '--duration-s=3'], 'usage'), { rows: 7, perMutation: [2, 8], durationS: 3 })
})

test('every bad flag is reported at once, before the benchmark starts anything', () => {
  assert.throws(
    () => benchFlags(Flags, ['--rows', 'x', '--per-mutation', '0', '--nope', '1'], 'usage'),
    (err: unknown) => err instanceof ConfigError && /--rows/.test(err.message) && /--per-mutation/.test(err.message) && /--nope/.test(err.message),
  )
})

test('--help prints the usage and every flag, and runs nothing', (t) => {
  const out: string[] = []
  t.mock.method(console, 'log', (s: string) => out.push(s))
  assert.equal(benchFlags(Flags, ['--rows', 'x', '--help'], 'npm run bench -- demo [flags]'), null)
  assert.match(out.join('\n'), /npm run bench -- demo \[flags\][\s\S]*--rows[\s\S]*--per-mutation[\s\S]*--duration-s/)
})
