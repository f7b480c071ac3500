import assert from 'node:assert/strict'
import { createRequire } from 'node:module'
import { test } from 'node:test'
import fc from 'fast-check'
import { groupMessagesPerPartition, type GroupArgs } from '../../kafka-client/group-messages-per-partition.ts'

const require = createRequire(import.meta.url)
const kafkajsGroup = require('kafkajs/src/producer/groupMessagesPerPartition.js') as typeof groupMessagesPerPartition

test('groups as KafkaJS does: same partitions, same order within each, {} without metadata', () => {
  const messages = fc.array(fc.record({ key: fc.string({ maxLength: 4 }), partition: fc.nat({ max: 12 }) }), { maxLength: 300 })
  fc.assert(
    fc.property(messages, fc.nat({ max: 3 }), (ms, metadataLength) => {
      const args: GroupArgs<{ key: string; partition: number }> = {
        topic: 't',
        partitionMetadata: Array.from({ length: metadataLength }),
        messages: ms,
        partitioner: ({ message }) => message.partition,
      }
      const ours = groupMessagesPerPartition(args)
      const theirs = kafkajsGroup(args)
      assert.deepEqual(ours, theirs)
      assert.deepEqual(Object.keys(ours), Object.keys(theirs))
    }),
    { seed: 20261206, numRuns: 300 },
  )
})

test('one partition of 100,000 messages keeps them all, in order (the case KafkaJS copies n²/2 references for)', () => {
  const messages = Array.from({ length: 100_000 }, (_, i) => ({ i }))
  const grouped = groupMessagesPerPartition({ topic: 't', partitionMetadata: [{}], messages, partitioner: () => 0 })
  assert.equal(grouped[0]?.length, 100_000)
  assert.equal(grouped[0]?.[99_999], messages[99_999])
})
