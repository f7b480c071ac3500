import assert from 'node:assert/strict'
import { test } from 'node:test'
import mqtt from 'mqtt'
import { startBareAedes } from '../../bench/lib/bare-aedes.ts'

test('bare aedes reference: counts every PUBLISH it receives, answers each count request, stops', async () => {
  const bare = await startBareAedes()
  try {
    assert.equal(await bare.received(), 0)
    const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${bare.port}`, { clientId: 'bare-test', reconnectPeriod: 0 })
    for (let i = 0; i < 7; i++) await client.publishAsync('devices/bare-test/telemetry', `{"seq":${i}}`, { qos: 1 })
    await client.endAsync()
    // requests in a row get their own answers, in order
    assert.deepEqual([await bare.received(), await bare.received()], [7, 7])
  } finally {
    await bare.stop()
  }
  await assert.rejects(bare.received(), /exited/)
})
