import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Type } from '@sinclair/typebox'
import { ConfigError } from '../../config/errors.ts'
import { configHelp, configLeaves, loadConfig } from '../../config/load-config.ts'

const Schema = Type.Object({
  port: Type.Integer({ minimum: 1, maximum: 65535, default: 8080, description: 'HTTP port' }),
  verbose: Type.Boolean({ default: false }),
  kafka: Type.Object({
    brokers: Type.Array(Type.String({ minLength: 3 }), { default: ['127.0.0.1:9092'] }),
    clientId: Type.String({ default: 'x' }),
  }),
})

test('defaults apply when nothing is given, nested groups included', () => {
  const c = loadConfig(Schema, { argv: [], env: {} })
  assert.deepEqual(c, { port: 8080, verbose: false, kafka: { brokers: ['127.0.0.1:9092'], clientId: 'x' } })
})

test('flag and variable names derive from the schema path', () => {
  const names = configLeaves(Schema).map((l) => [l.flag, l.env])
  assert.deepEqual(names, [
    ['--port', 'IOT_PORT'],
    ['--verbose', 'IOT_VERBOSE'],
    ['--kafka-brokers', 'IOT_KAFKA_BROKERS'],
    ['--kafka-client-id', 'IOT_KAFKA_CLIENT_ID'],
  ])
})

test('IOT_* variables override defaults and flags override variables', () => {
  const env = { IOT_PORT: '9000', IOT_KAFKA_BROKERS: 'a:1, b:2', IOT_KAFKA_CLIENT_ID: 'from-env' }
  const c = loadConfig(Schema, { argv: ['--port=9100', '--kafka-client-id', 'from-flag', '--verbose'], env })
  assert.equal(c.port, 9100)
  assert.equal(c.verbose, true)
  assert.deepEqual(c.kafka.brokers, ['a:1', 'b:2'])
  assert.equal(c.kafka.clientId, 'from-flag')
})

test('--no-<flag> turns a boolean off', () => {
  assert.equal(loadConfig(Schema, { argv: ['--no-verbose'], env: { IOT_VERBOSE: 'true' } }).verbose, false)
})

test('every problem is reported at once, naming the flag or variable it came from', () => {
  try {
    loadConfig(Schema, { argv: ['--port', '70000', '--bogus', '1', '--kafka-brokers', 'x'], env: { IOT_VERBOSE: 'maybe' } })
    assert.fail('expected a ConfigError')
  } catch (err) {
    assert.ok(err instanceof ConfigError)
    assert.equal(err.code, 'CONFIG_ERR_INVALID')
    const text = err.problems.join('\n')
    assert.match(text, /unknown option --bogus/)
    assert.match(text, /--port: .*65535/)
    assert.match(text, /IOT_VERBOSE: .*boolean/)
    assert.match(text, /--kafka-brokers: .*length/)
    assert.ok(err.problems.length >= 4, text)
  }
})

test('a flag missing its value is an error, not silently true', () => {
  assert.throws(() => loadConfig(Schema, { argv: ['--port'], env: {} }), /--port needs a value/)
})

test('the result is deep-frozen', () => {
  const c = loadConfig(Schema, { argv: [], env: {} })
  assert.ok(Object.isFrozen(c) && Object.isFrozen(c.kafka) && Object.isFrozen(c.kafka.brokers))
  assert.throws(() => {
    ;(c as { port: number }).port = 1
  }, TypeError)
})

test('help lists every flag with its variable, description and default', () => {
  const help = configHelp(Schema)
  assert.match(help, /--port\s+IOT_PORT\s+HTTP port \(default 8080\)/)
  assert.match(help, /--kafka-brokers\s+IOT_KAFKA_BROKERS/)
})
