import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { exitCodes, SimErrorCodes } from '../../device-sim/errors.ts'

test('the error registry, the exit-code map and the README table agree', () => {
  const readme = readFileSync(join(import.meta.dirname, '../../device-sim/README.md'), 'utf8')
  const documented = [...readme.matchAll(/^\| `(SIM_ERR_[A-Z_]+)` \| (\d) \|/gm)].map((m) => [m[1], Number(m[2])])
  assert.deepEqual(documented, SimErrorCodes.map((c) => [c, exitCodes[c]]))
  assert.deepEqual(Object.keys(exitCodes).sort(), [...SimErrorCodes].sort())
})
