import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import { nodeFlagsFor, serviceNodeFlags } from '../../config/service-node-flags.ts'
import { demoServices } from '../../demo/services.ts'
import { repoRoot, tsxArgs } from '../gateway/helpers/spawn-tsx.ts'

const root = join(import.meta.dirname, '..', '..')

test('npm run gateway / processor (and docker-compose, which runs them) pass the services\' Node flags', () => {
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  for (const [service, flags] of Object.entries(serviceNodeFlags)) {
    assert.ok(flags.length > 0, service)
    assert.equal(scripts[service], ['tsx', ...flags, `${service}/main.ts`].join(' '), service)
  }
})

test('the demo starts the gateway and the processor with their Node flags before the entry point, the API without', () => {
  const specs = demoServices({ mqtt: 1, api: 2, gatewayHttp: 3, processorHttp: 4 }, {}, { credentialsFile: 'c', fleetFile: 'f', rulesFile: 'r', seed: 1 })
  for (const spec of specs) {
    const entry = spec.args.findIndex((a) => a.endsWith('/main.ts'))
    assert.ok(entry > 0, spec.name)
    const before = spec.args.slice(0, entry)
    const flags = serviceNodeFlags[spec.name as keyof typeof serviceNodeFlags] ?? []
    for (const f of flags) assert.ok(before.includes(f), `${spec.name} ${f}`)
    if (spec.name === 'api') assert.ok(!before.some((a) => a.startsWith('--max-semi-space-size')), 'api')
  }
  assert.deepEqual(specs.filter((s) => s.name in serviceNodeFlags).map((s) => s.name).sort(), ['gateway', 'processor'])
})

test('service processes started by tests and the gateway benchmark (spawnTsx) get the flags npm run passes', () => {
  for (const [service, flags] of Object.entries(serviceNodeFlags)) {
    const expected = [...flags, '--import', 'tsx', join(repoRoot, `${service}/main.ts`), '--x']
    assert.deepEqual(tsxArgs(`${service}/main.ts`, ['--x']).slice(-expected.length), expected, service)
  }
  const cli = tsxArgs('gateway/add-device-main.ts', [])
  for (const f of serviceNodeFlags.gateway) assert.ok(!cli.includes(f), `the CLI gets no ${f}`)
})

test('nodeFlagsFor: the flags of the service an entry point belongs to, none for the others', () => {
  assert.deepEqual(nodeFlagsFor('gateway/main.ts'), serviceNodeFlags.gateway)
  assert.deepEqual(nodeFlagsFor('processor/main.ts'), serviceNodeFlags.processor)
  assert.deepEqual(nodeFlagsFor('api/main.ts'), [])
  const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  assert.equal(scripts['gateway:add-device'], 'tsx gateway/add-device-main.ts', 'npm passes no flags to the CLI')
  assert.deepEqual(nodeFlagsFor('gateway/add-device-main.ts'), [], 'nor to any entry point but main.ts')
  assert.deepEqual(nodeFlagsFor('toString/main.ts'), [], 'only own keys, never Object.prototype')
})

// V8's heap limit is the old generation's maximum plus the young generation's (two semi-spaces and
// the new large-object space, 3 × max semi-space), fixed at start-up. The new space's current size,
// which an earlier version of this test compared, follows V8's growth heuristics and differed between
// runs of the same binary (it failed CI on Node 26.12 while passing locally).
test('a process started with the flags gets the larger young generation', async () => {
  const { spawnSync } = await import('node:child_process')
  const probe = "console.log(require('v8').getHeapStatistics().heap_size_limit)"
  const limit = (flags: readonly string[]): number => {
    const run = spawnSync(process.execPath, [...flags, '-e', probe], { encoding: 'utf8' })
    assert.equal(run.status, 0, run.stderr)
    return Number(run.stdout.trim())
  }
  const semiMiB = Number(/^--max-semi-space-size=(\d+)$/.exec(serviceNodeFlags.gateway.find((f) => f.startsWith('--max-semi-space-size=')) ?? '')?.[1])
  assert.ok(semiMiB > 0, 'the gateway sets --max-semi-space-size')
  const grown = limit(serviceNodeFlags.gateway) - limit([])
  assert.ok(grown > 0, `the young generation grows past the default (heap limit +${grown / 2 ** 20} MiB)`)
  assert.ok(grown <= 3 * semiMiB * 2 ** 20, `by at most 3 × ${semiMiB} MiB`)
})
