// Fault: one broker of a 3-broker KRaft cluster (replication factor 3, min.insync.replicas 2) is
// SIGKILLed mid-stream while devices publish at QoS 1 through the gateway (issue 7, "external
// engines"). Guarantee: leadership moves to a surviving replica and every reading the gateway
// acknowledged to a device is in Kafka afterwards — through the product, not only through
// kafka-client/durable-send.ts (test/local-stack/kafka-cluster.integration.test.ts covers that one).
// No spool: the gateway acknowledges only what the cluster acknowledged with acks=all.
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { Value } from '@sinclair/typebox/value'
import { Kafka, logLevel } from 'kafkajs'
import { KafkaConnection } from '../../../config/kafka-connection.ts'
import { Topics } from '../../../contracts/topics.ts'
import { provisionTopics } from '../../../provision/provision.ts'
import { waitForTopicLeaders } from '../../../provision/topic-leaders.ts'
import { privateStack } from '../../helpers/private-stack.ts'
import { addDevices, startGatewayProcess, type GatewayProcess } from '../helpers/gateway-process.ts'
import { assertEveryAckedReadingInKafka, TopicCollector } from '../helpers/kafka-fixture.ts'
import { startFleet } from '../helpers/qos1-fleet.ts'

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

test('3-broker cluster, a partition leader SIGKILLed under QoS 1 load through the gateway: no acknowledged reading lost', { timeout: 360_000 }, async () => {
  const stack = await privateStack(['kafka'], { kafkaNodes: 3 })
  const dir = mkdtempSync(join(tmpdir(), 'gw-broker-killed-'))
  const brokers = stack.endpoints.kafkaBrokers
  const kafka = new Kafka({ clientId: 't', brokers: brokers.split(','), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 200 } })
  const admin = kafka.admin()
  let gw: GatewayProcess | undefined
  let collector: TopicCollector | undefined
  try {
    assert.equal(brokers.split(',').length, 3)
    const kafkaConn = Value.Default(KafkaConnection, { brokers: brokers.split(',') }) as KafkaConnection
    await provisionTopics({ kafka: kafkaConn, topics: { readingsPartitions: 3, replicationFactor: 3, minInsyncReplicas: 2 } })
    await admin.connect()
    // Every replica in sync before a leader is killed, so min.insync.replicas 2 holds after it.
    const parts = (await waitForTopicLeaders(admin, [Topics.readings], { minIsr: 3 })).get(Topics.readings) ?? []
    assert.ok(parts.length === 3 && parts.every((p) => p.replicas.length === 3), `iot.readings replicated 3 ways: ${JSON.stringify(parts)}`)
    const victim = parts.find((p) => p.partitionId === 0)?.leader as number

    const ids = Array.from({ length: 6 }, (_, i) => `bk-${i + 1}`)
    const creds = join(dir, 'devices.json')
    const passwords = await addDevices(creds, ids)
    gw = await startGatewayProcess(['--mqtt-port', '0', '--auth-credentials-file', creds, '--delivery-send-timeout-ms', '4000'], {
      IOT_KAFKA_BROKERS: brokers,
    })
    const fleet = startFleet(gw.mqttPort, passwords, { ratePerDevice: 10 })
    await sleep(4_000)
    const beforeKill = fleet.acked.size
    assert.ok(beforeKill > 0, 'readings acknowledged before the kill')

    stack.kill(`kafka-${victim}`)
    // Two of three replicas remain, so min.insync.replicas 2 still holds: the cluster must accept
    // writes again once leadership has moved. A SIGKILLed broker is fenced only after KRaft's
    // broker.session.timeout.ms (9 s), plus a controller election when it was the active
    // controller, so the wait is bounded by a minute, not fixed.
    const resumed = Date.now()
    while (fleet.acked.size - beforeKill < 200 && Date.now() - resumed < 60_000) await sleep(250)
    const afterKill = fleet.acked.size - beforeKill
    await sleep(2_000)
    await fleet.stop(20_000)
    assert.ok(afterKill >= 200, `the gateway acknowledges again after broker ${victim} died (${beforeKill} before, ${afterKill} within 60 s after)`)

    collector = await TopicCollector.start(kafka, [Topics.readings])
    await assertEveryAckedReadingInKafka(collector, Topics.readings, fleet, 60_000)
  } catch (err) {
    const exit = gw?.child.exitCode ?? gw?.child.signalCode ?? 'still running'
    throw new Error(`${(err as Error).message}\ngateway exit: ${exit}\n${gw?.lines.slice(-40).join('\n') ?? ''}`, { cause: err })
  } finally {
    await collector?.stop()
    gw?.child.kill('SIGKILL')
    await admin.disconnect().catch(() => {})
    await stack.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
})
