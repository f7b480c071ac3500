// A network fault between the gateway and the REAL Kafka, produced on demand without touching the
// shared broker process: kafkajs dials through this socket factory; `cut()` resets every open
// connection (ECONNRESET) and makes new ones fail with ECONNREFUSED, `restore()` lets them through again.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net'
import { Kafka } from 'kafkajs'
import { loadConfig } from '../../../config/load-config.ts'
import { KafkaConnection, kafkaClientConfig } from '../../../config/kafka-connection.ts'
import { Type } from '@sinclair/typebox'

export interface CuttableKafka {
  kafka: Kafka
  cut(): void
  restore(): void
}

async function closedPort(): Promise<number> {
  const s = createServer()
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r))
  const { port } = s.address() as AddressInfo
  await new Promise((r) => s.close(r))
  return port
}

export async function cuttableKafka(): Promise<CuttableKafka> {
  if (!process.env.IOT_KAFKA_BROKERS) throw new Error('IOT_KAFKA_BROKERS is not set: run integration tests through npm test, which starts the real Kafka')
  const { kafka: conn } = loadConfig(Type.Object({ kafka: KafkaConnection }))
  const refused = await closedPort()
  const open = new Set<Socket>()
  let down = false
  const kafka = new Kafka({
    ...kafkaClientConfig(conn, 'gateway-partition-test'),
    socketFactory: ({ host, port, onConnect }) => {
      const s = down ? connect(refused, '127.0.0.1') : connect({ host, port }, onConnect)
      s.setKeepAlive(true, 1_000)
      open.add(s)
      s.once('close', () => open.delete(s))
      return s
    },
  })
  return {
    kafka,
    cut() {
      down = true
      // what the client sees when the broker's host resets the connections
      for (const s of open) s.destroy(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET', errno: -104, syscall: 'read' }))
    },
    restore() {
      down = false
    },
  }
}
