import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fullReplication } from '../../../processor/store/replication-scope.ts'

const simple = 'org.apache.cassandra.locator.SimpleStrategy'
const nts = 'org.apache.cassandra.locator.NetworkTopologyStrategy'

test('SimpleStrategy: every node holds everything when RF >= nodes', () => {
  assert.equal(fullReplication(simple, { replication_factor: '1' }, ['dc1']), true)
  assert.equal(fullReplication(simple, { replication_factor: '3' }, ['dc1', 'dc1', 'dc1']), true)
  assert.equal(fullReplication(simple, { replication_factor: '1' }, ['dc1', 'dc1', 'dc1']), false)
})

test('NetworkTopologyStrategy: judged per data centre; a DC with hosts and no replicas is not full', () => {
  assert.equal(fullReplication(nts, { dc1: '3' }, ['dc1', 'dc1', 'dc1']), true)
  assert.equal(fullReplication(nts, { dc1: '3', dc2: '2' }, ['dc1', 'dc1', 'dc1', 'dc2', 'dc2']), true)
  assert.equal(fullReplication(nts, { dc1: '3' }, ['dc1', 'dc1', 'dc1', 'dc1']), false)
  assert.equal(fullReplication(nts, { dc1: '3' }, ['dc1', 'dc2']), false)
  // transient replication: 3 replicas, 1 transient = 2 full copies
  assert.equal(fullReplication(nts, { dc1: '3/1' }, ['dc1', 'dc1']), true)
  assert.equal(fullReplication(nts, { dc1: '3/1' }, ['dc1', 'dc1', 'dc1']), false)
})

test('an unknown strategy is never treated as full (the safe side)', () => {
  assert.equal(fullReplication('com.example.Custom', { replication_factor: '9' }, ['dc1']), false)
  assert.equal(fullReplication(simple, {}, ['dc1']), false)
})
