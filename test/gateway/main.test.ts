// The CLI surface that needs no Kafka: --help lists every flag with its IOT_* variable; bad
// configuration exits 2 with every problem at once; add-device stores a hash, prints the password.
import { strict as assert } from 'node:assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, it } from 'node:test'
import { verifyPassword } from '../../gateway/identity/password-hash.ts'
import { runTsx } from './helpers/spawn-tsx.ts'

describe('gateway CLI', () => {
  it('--help documents flags and variables', async () => {
    const r = await runTsx('gateway/main.ts', ['--help'])
    assert.equal(r.code, 0)
    for (const s of ['--mqtt-port', 'IOT_MQTT_PORT', '--kafka-brokers', 'IOT_KAFKA_BROKERS', '--limits-max-packet-bytes', '--delivery-spool-dir', '--auth-allow-anonymous']) assert.ok(r.stdout.includes(s), s)
  })

  it('reports every configuration problem at once and exits 2', async () => {
    const r = await runTsx('gateway/main.ts', ['--mqtt-port', '70000', '--bogus'], { IOT_KAFKA_BROKERS: undefined })
    assert.equal(r.code, 2)
    assert.match(r.stderr, /--bogus/)
    assert.match(r.stderr, /--mqtt-port/)
    // cross-field rules (send timeout vs keepalive, TLS files) are covered in-process by config.test.ts
  })

  it('add-device writes a scrypt hash (never the password) and prints the password once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'gw-cred-'))
    try {
      const file = join(dir, 'devices.json')
      const a = await runTsx('gateway/add-device-main.ts', ['sensor-7', '--sensor', 'bme280', '--credentials-file', file])
      assert.equal(a.code, 0, a.stderr)
      const password = a.stdout.trim()
      assert.ok(password.length >= 20)
      const stored = JSON.parse(readFileSync(file, 'utf8')) as { devices: Record<string, { hash: string; sensor?: string }> }
      assert.ok(!readFileSync(file, 'utf8').includes(password))
      assert.equal(stored.devices['sensor-7']?.sensor, 'bme280')
      assert.equal(await verifyPassword(password, stored.devices['sensor-7']?.hash ?? ''), true)
      const b = await runTsx('gateway/add-device-main.ts', ['bad/id', '--credentials-file', file])
      assert.equal(b.code, 2)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
