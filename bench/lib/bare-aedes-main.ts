// The framework ceiling for the gateway benchmark: aedes 1.x on TCP with no hooks but a counter —
// no authentication, no ingest, no Kafka, default fan-out (nobody subscribed). What the gateway
// costs above this is ours; what this costs above Mosquitto is the broker we build on.
// Protocol with the parent (bench/lib/bare-aedes.ts): the first stdout line is the port; each
// SIGUSR2 prints the number of PUBLISH packets received so far as one line.
import { createServer, type AddressInfo } from 'node:net'
import { Aedes } from 'aedes'

let received = 0
const aedes = await Aedes.createBroker({
  authorizePublish: (_client, _packet, cb) => {
    received++
    cb(null)
  },
})
const server = createServer(aedes.handle)
server.listen(0, '127.0.0.1', () => process.stdout.write(`${(server.address() as AddressInfo).port}\n`))
process.on('SIGUSR2', () => process.stdout.write(`${received}\n`))
process.on('SIGTERM', () => {
  server.close()
  aedes.close(() => process.exit(0))
})
