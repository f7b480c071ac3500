// Fault: the gateway process is SIGKILLed mid-stream with QoS 1 devices connected, then restarted
// on the same port. Guarantee (delivery-and-security.md B.8 #25, whole pipeline): a PUBACK went out
// only after Kafka's acks=all, devices reconnect and resend what was not acknowledged, and the
// processor removes the resends by (deviceId, boot, seq): every reading acknowledged to a device is
// stored exactly once in readings_raw and every stored reading is counted in exactly one window.
import { test } from 'node:test'
import { runChaos } from '../helpers/chaos-pipeline.ts'

test('gateway SIGKILLed mid-stream and restarted on its port: acked readings stored once, counted in one window', { timeout: 300_000 }, async (t) => {
  await runChaos(t, { name: 'cgs' }, async (p) => {
    await p.processed('readings processed before the kill', 500, 30_000)
    const killed = p.gateway
    killed.child.kill('SIGKILL')
    await killed.exited
    p.phase(`gateway SIGKILLed with ${p.fleet.published.size - p.fleet.acked.size} readings unacknowledged`)
    await p.restartGateway()
    p.phase('gateway restarted on the same port')
    await p.ackedGrows('devices to reconnect and be acknowledged by the new gateway', 300, 30_000)
  })
})
