// The benchmarks' load generator against an in-process Aedes that answers CONNECTs out of order
// and refuses some: every publish must go to the topic of the client that sends it (the gateway's
// ACL denies anything else — a mix-up once cost a pipeline run a few hundred denied publishes).
import assert from 'node:assert/strict'
import { createServer, type AddressInfo } from 'node:net'
import { test } from 'node:test'
import { Aedes } from 'aedes'
import { connectFleet, endFleet, runLoad, temperature } from '../../bench/lib/mqtt-load.ts'
import { newRateState, rateStep } from '../../processor/anomalies/rate-of-change.ts'
import { defaultRules, Rules } from '../../processor/anomalies/rules-file.ts'

test('each publish goes to its own client id’s topic, whatever order connections complete in', async () => {
  let n = 0
  const refused = new Set<string>()
  const mismatched: string[] = []
  let published = 0
  const broker = await Aedes.createBroker({
    authenticate: (client, _u, _p, done) => {
      const k = n++
      if (k % 7 === 3) {
        refused.add(client.id)
        return done(null, false)
      }
      // later CONNECTs answered first: completion order is the reverse of the id order
      setTimeout(() => done(null, true), 60 - (k % 20) * 3)
    },
    authorizePublish: (client, packet, done) => {
      published++
      if (packet.topic !== `devices/${client?.id}/telemetry`) mismatched.push(`${client?.id} -> ${packet.topic}`)
      done(null)
    },
  })
  const server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    const res = await runLoad({ port: (server.address() as AddressInfo).port, devices: 40, qos: 1, warmupMs: 100, durationMs: 600, window: 2, rate: 400, idPrefix: 'order' })
    assert.ok(refused.size > 0 && res.connected === 40 - refused.size, `${res.connected} connected, ${refused.size} refused`)
    assert.ok(published > 50, `${published} publishes`)
    assert.deepEqual(mismatched, [])
    assert.equal(res.failed, 0)
  } finally {
    await new Promise<void>((r) => broker.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  }
})

test('the generated temperature never trips the default rate-of-change rule, even at 100 readings/s per device', () => {
  // The rule exactly as the processor resolves it from its default rules file.
  const rule = new Rules(defaultRules).rate('temperature')
  assert.ok(rule)
  assert.equal(rule.maxPerMinute, 10)
  const s = newRateState()
  const values = new Set<string>()
  for (let seq = 1; seq <= 5_000; seq++) {
    const v = temperature(seq)
    values.add(v)
    assert.equal(rateStep(rule, s, Number(v), seq * 10), null, `seq ${seq}`)
  }
  assert.ok(values.has('20.000') && values.has('21.000') && values.size === 1001, 'a wave over 20.000…21.000, not a constant')
  // The sawtooth it replaced: +0.01 per reading, back by 0.99 every 100 — an anomaly per wrap.
  const old = newRateState()
  let events = 0
  for (let seq = 1; seq <= 500; seq++) if (rateStep(rule, old, 20 + (seq % 100) / 100, seq * 70)) events++
  assert.ok(events >= 8, `the old sawtooth at ~14 readings/s per device opened and closed anomalies (${events} events)`)
})

test('open loop: each device’s readings are stamped one round apart, even when the generator stalls and catches up', async () => {
  const devices = 20
  const rate = 400 // one reading per device every devices / rate = 50 ms
  const stamps = new Map<string, number[]>()
  let future = 0
  const broker = await Aedes.createBroker({
    authorizePublish: (client, packet, done) => {
      const { ts } = JSON.parse(String(packet.payload)) as { ts: number }
      if (ts > Date.now()) future++
      const id = client?.id ?? ''
      stamps.set(id, [...(stamps.get(id) ?? []), ts])
      done(null)
    },
  })
  const server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  // A 250 ms stall of the whole process: the ticker then owes 100 publishes, 5 per device, which
  // it sends in one burst; stamped with the send time they were 0-1 ms apart.
  const stall = setTimeout(() => {
    const until = performance.now() + 250
    while (performance.now() < until);
  }, 400)
  try {
    const res = await runLoad({ port: (server.address() as AddressInfo).port, devices, qos: 1, warmupMs: 100, durationMs: 900, window: 50, rate, idPrefix: 'sched', stampTime: true })
    assert.equal(res.connected, devices)
    assert.equal(future, 0, 'no reading is stamped later than it arrives')
    let gaps = 0
    for (const [id, ts] of stamps) {
      for (let k = 1; k < ts.length; k++) {
        const gap = (ts[k] as number) - (ts[k - 1] as number)
        assert.ok(gap >= 49 && gap <= 51, `${id}: readings ${k - 1} and ${k} stamped ${gap} ms apart`)
        gaps++
      }
    }
    assert.ok(gaps >= devices * 15, `${gaps} gaps checked`)
  } finally {
    clearTimeout(stall)
    await new Promise<void>((r) => broker.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  }
})

test('open loop: devices with room take the publishes of devices waiting for PUBACKs, but never two readings closer than half a round', async () => {
  const devices = 20
  const rate = 400 // a round = devices / rate = 50 ms; half a round = 25 ms
  const stamps = new Map<string, number[]>()
  const broker = await Aedes.createBroker({
    authorizePublish: (client, packet, done) => {
      const id = client?.id ?? ''
      stamps.set(id, [...(stamps.get(id) ?? []), (JSON.parse(String(packet.payload)) as { ts: number }).ts])
      // three devices in four wait 300 ms for each PUBACK, so with a window of 2 they are mostly
      // full, and the fourth is offered up to four times its share
      if (Number(id.slice(-2)) % 4 !== 1) setTimeout(() => done(null), 300)
      else done(null)
    },
  })
  const server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  try {
    const res = await runLoad({ port: (server.address() as AddressInfo).port, devices, qos: 1, warmupMs: 100, durationMs: 900, window: 2, rate, idPrefix: 'room', stampTime: true })
    assert.equal(res.connected, devices)
    let minGap = Infinity
    let shortGaps = 0
    for (const [, ts] of stamps) {
      for (let k = 1; k < ts.length; k++) {
        const gap = (ts[k] as number) - (ts[k - 1] as number)
        minGap = Math.min(minGap, gap)
        if (gap < 50) shortGaps++
      }
    }
    assert.ok(minGap >= 25, `two readings of one device stamped ${minGap} ms apart`)
    assert.ok(shortGaps > 0, 'devices with room published more often than once a round')
  } finally {
    await new Promise<void>((r) => broker.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  }
})

test('a fleet publishes in several runs on one connection per device, its seq carrying on from run to run', async () => {
  const devices = 10
  let connects = 0
  const seqs = new Map<string, number[]>()
  const broker = await Aedes.createBroker({
    authenticate: (_c, _u, _p, done) => {
      connects++
      done(null, true)
    },
    authorizePublish: (client, packet, done) => {
      const id = client?.id ?? ''
      seqs.set(id, [...(seqs.get(id) ?? []), (JSON.parse(String(packet.payload)) as { seq: number }).seq])
      done(null)
    },
  })
  const server = createServer(broker.handle)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const fleet = await connectFleet(port, devices, 'fleet')
  try {
    const runs = []
    for (let k = 0; k < 2; k++) {
      runs.push(await runLoad({ port, devices, qos: 1, warmupMs: 50, durationMs: 300, window: 2, rate: 200, idPrefix: 'ignored', fleet, stampTime: true }))
      assert.ok(fleet.devices.every((d) => d.client.isConnected), `run ${k + 1} left the fleet connected`)
      assert.equal(fleet.outstanding.reduce((a, b) => a + b, 0), 0, `run ${k + 1} ended with no PUBACK due`)
    }
    assert.equal(connects, devices, 'one CONNECT per device for both runs')
    for (const r of runs) assert.ok(r.connected === devices && r.completed > 0 && r.failed === 0, JSON.stringify(r))
    assert.deepEqual([...seqs.keys()].sort(), fleet.devices.map((d) => d.id).sort())
    for (const [id, s] of seqs) assert.deepEqual(s, Array.from({ length: s.length }, (_, k) => k + 1), `${id}: seq 1, 2, 3, … across both runs`)
    const sent = [...seqs.values()].reduce((n, s) => n + s.length, 0)
    assert.ok(sent >= 2 * 200 * 0.3, `${sent} publishes in two runs at 200/s`)
  } finally {
    await endFleet(fleet)
    await new Promise<void>((r) => broker.close(() => r()))
    await new Promise<void>((r) => server.close(() => r()))
  }
})
