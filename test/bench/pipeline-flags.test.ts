import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BenchFlagError, parsePipelineFlags } from '../../bench/lib/pipeline-flags.ts'

test('defaults: 5 min confirmation, 1000 devices, rates 5,000 … 40,000 in steps of 2,500', () => {
  const f = parsePipelineFlags([])
  assert.equal(f.durationMs, 300_000)
  assert.equal(f.devices, 1000)
  assert.equal(f.rates[0], 5_000)
  assert.equal(f.rates.at(-1), 40_000)
  assert.equal(f.rates.length, 15)
  assert.equal(f.latencyWindowMs, 60_000, 'a product window: the benchmark measures the windows users get')
  assert.equal(f.latencyDevices, 20)
  assert.equal(f.warmupMs, 60_000, 'long enough for the JVMs\' JIT compilers to settle before the first judged step')
})

test('--quick shortens the confirmation to 60 s; explicit flags still win', () => {
  assert.equal(parsePipelineFlags(['--quick']).durationMs, 60_000)
  assert.equal(parsePipelineFlags(['--quick']).warmupMs, 10_000)
  assert.equal(parsePipelineFlags(['--quick', '--duration', '2m']).durationMs, 120_000)
  assert.equal(parsePipelineFlags(['--duration=90']).durationMs, 90_000)
})

test('--rates takes an explicit list; --start-rate/--rate-step/--max-rate build one', () => {
  assert.deepEqual(parsePipelineFlags(['--rates', '1000, 3000,7000']).rates, [1000, 3000, 7000])
  assert.deepEqual(parsePipelineFlags(['--start-rate', '10000', '--rate-step', '5000', '--max-rate', '20000']).rates, [10_000, 15_000, 20_000])
})

test('every bad flag is reported at once with BENCH_ERR_BAD_FLAG, never a crash', () => {
  assert.throws(
    () => parsePipelineFlags(['--duration', 'soon', '--devices', '-3', '--bogus', '--latency-window', '7s', '--rates', '10,x']),
    (err: unknown) => {
      assert.ok(err instanceof BenchFlagError)
      assert.equal(err.code, 'BENCH_ERR_BAD_FLAG')
      for (const part of ['--duration: "soon"', '--devices: "-3"', 'unknown flag --bogus', '--latency-window must', '--rates: "x"']) assert.match(err.message, new RegExp(part.replace(/[-[\]()]/g, '\\$&')))
      return true
    },
  )
  assert.throws(() => parsePipelineFlags(['--devices']), /--devices needs a value/)
  assert.throws(() => parsePipelineFlags(['--start-rate', '9000', '--max-rate', '8000']), /no rate to try/)
})
