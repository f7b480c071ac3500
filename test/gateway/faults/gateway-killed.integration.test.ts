// Fault: the gateway process is SIGKILLed mid-stream with QoS 1 devices connected, then restarted
// on the same port. Guarantee (issue 4, B.8 #25): every reading whose PUBACK a device received is
// in Kafka afterwards — PUBACK went out only after Kafka's acks=all; what was in flight is resent
// by the devices (duplicates allowed, identifiable by seq).
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { freePort } from '../../../local-stack/preflight.ts'
import { assertEveryAckedReadingInKafka, createTestTopics, deleteTestTopics, kafkaFromEnv, TopicCollector } from '../helpers/kafka-fixture.ts'
import { addDevices, startGatewayProcess } from '../helpers/gateway-process.ts'
import { startFleet } from '../helpers/qos1-fleet.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Both ways of running the Kafka producer: on the event loop (default) and on its own thread
// (--delivery-kafka-thread), where a PUBACK waits for an acknowledgement that crosses threads.
for (const [mode, extra] of [['in-process producer', []], ['producer on its own thread', ['--delivery-kafka-thread']]] as const) {
  test(`gateway SIGKILLed mid-stream (${mode}): after restart every acknowledged reading is in Kafka`, { timeout: 180_000 }, async () => {
    const kafka = kafkaFromEnv()
    const topics = await createTestTopics(kafka)
    const dir = mkdtempSync(join(tmpdir(), 'gw-killed-'))
    const collector = await TopicCollector.start(kafka, [topics.readings])
    const procs: Array<Awaited<ReturnType<typeof startGatewayProcess>>> = []
    try {
      const creds = join(dir, 'devices.json')
      const passwords = await addDevices(creds, ['gk-1', 'gk-2', 'gk-3'])
      const port = String(await freePort())
      const args = ['--mqtt-port', port, '--auth-credentials-file', creds, '--topics-readings', topics.readings, '--topics-dlq', topics.dlq, '--topics-device-events', topics.events, ...extra]
      procs.push(await startGatewayProcess(args))
      const fleet = startFleet(Number(port), passwords, { ratePerDevice: 10 })
      await sleep(3_000)
      const beforeKill = fleet.acked.size
      assert.ok(beforeKill > 0)

      procs[0]?.child.kill('SIGKILL')
      await procs[0]?.exited
      await sleep(1_000)
      procs.push(await startGatewayProcess(args))
      await sleep(5_000)
      await fleet.stop(20_000)
      assert.ok(fleet.acked.size > beforeKill, 'devices reconnected and were acknowledged by the restarted gateway')

      await assertEveryAckedReadingInKafka(collector, topics.readings, fleet, 30_000)
    } finally {
      for (const p of procs) p.child.kill('SIGKILL')
      await collector.stop()
      await deleteTestTopics(kafka, topics)
      rmSync(dir, { recursive: true, force: true })
    }
  })
}
