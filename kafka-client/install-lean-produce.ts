// Imported for its effect, first, by the processes that produce at volume (gateway/main.ts and the
// gateway's Kafka thread): it puts our one-pass Produce request encoder and linear message grouping
// in place of KafkaJS's own modules (why and what: lean-produce-request.ts,
// group-messages-per-partition.ts). KafkaJS binds groupMessagesPerPartition when it loads, so this
// must run before anything imports 'kafkajs'; if it runs later it throws, so a wrong import order
// stops the process at start instead of quietly running the slow path. The substitution is pinned to
// the KafkaJS version it was written against: another version stops the process with the same
// clarity, to be re-checked (test/kafka-client/lean-produce-request.test.ts compares the bytes).
import Module, { createRequire } from 'node:module'
import { groupMessagesPerPartition } from './group-messages-per-partition.ts'
import { leanProduceRequest, type ProduceRequestFactory } from './lean-produce-request.ts'

const KAFKAJS_VERSION = '2.2.4'
const require = createRequire(import.meta.url)

function replaceModule(id: string, exports: unknown): void {
  const filename = require.resolve(id)
  const m = new Module(filename)
  m.filename = filename
  m.exports = exports
  m.loaded = true
  require.cache[filename] = m
}

const version = (require('kafkajs/package.json') as { version: string }).version
if (version !== KAFKAJS_VERSION) {
  throw new Error(`kafka-client/install-lean-produce.ts replaces modules of kafkajs ${KAFKAJS_VERSION}, found ${version}: re-check it against this version`)
}
// sendMessages binds groupMessagesPerPartition when it loads. (Only loaded modules count: Node's ESM
// loader registers a CommonJS module it has linked, unloaded, before evaluating anything.)
if (require.cache[require.resolve('kafkajs/src/producer/sendMessages.js')]?.loaded) {
  throw new Error('kafkajs was loaded before kafka-client/install-lean-produce.ts: import it first, before anything that imports kafkajs')
}
const kafkajsV3 = require('kafkajs/src/protocol/requests/produce/v3/request.js') as ProduceRequestFactory
replaceModule('kafkajs/src/protocol/requests/produce/v3/request.js', leanProduceRequest(kafkajsV3))
replaceModule('kafkajs/src/producer/groupMessagesPerPartition.js', groupMessagesPerPartition)
