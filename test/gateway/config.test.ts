import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import { ConfigError } from '../../config/errors.ts'
import { loadGatewayConfig } from '../../gateway/config.ts'

describe('gateway config', () => {
  it('safe defaults', () => {
    const c = loadGatewayConfig({ argv: [], env: {} })
    assert.equal(c.mqtt.port, 1883)
    assert.equal(c.limits.maxPacketBytes, 16_384)
    assert.equal(c.limits.keepaliveMaxSec, 120)
    assert.equal(c.auth.allowAnonymous, false)
    assert.equal(c.delivery.sendTimeoutMs, 5_000)
    assert.deepEqual(c.kafka.brokers, ['127.0.0.1:9092'])
    assert.ok(Object.isFrozen(c.limits))
  })
  it('flags override IOT_* variables', () => {
    const c = loadGatewayConfig({ argv: ['--mqtt-port', '1999'], env: { IOT_MQTT_PORT: '1888', IOT_KAFKA_BROKERS: 'a:1,b:2', IOT_LIMITS_PUBLISH_RATE_PER_SEC: '2.5' } })
    assert.equal(c.mqtt.port, 1999)
    assert.deepEqual(c.kafka.brokers, ['a:1', 'b:2'])
    assert.equal(c.limits.publishRatePerSec, 2.5)
  })
  it('cross-field rules: send timeout under half the smallest keepalive', () => {
    assert.throws(
      () => loadGatewayConfig({ argv: ['--delivery-send-timeout-ms', '6000'], env: {} }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 1,
    )
    assert.doesNotThrow(() => loadGatewayConfig({ argv: ['--delivery-send-timeout-ms', '6000', '--limits-keepalive-min-sec', '12'], env: {} }))
    assert.throws(
      () => loadGatewayConfig({ argv: ['--delivery-send-timeout-ms', '9000', '--tls-enabled'], env: {} }),
      (e: unknown) => e instanceof ConfigError && e.problems.length === 2 && e.problems.some((p) => p.includes('--tls-enabled needs')),
    )
  })
})
