// The golden scenario on the real Kafka and Cassandra: a seeded stream with out-of-order, late and
// duplicate readings, impossible values and poison records is produced to Kafka; the windows the
// processor stores equal the independent oracle (exact counts, means and stddevs within 1e-9,
// late and invalid counts), the scripted anomalies are stored and published, poison goes to the DLQ.
import assert from 'node:assert/strict'
import { test } from 'node:test'
import cassandra from 'cassandra-driver'
import { startProcessor } from '../../processor/processor.ts'
import { utcDay } from '../../processor/windows/tumbling-window.ts'
import { stackEnv } from '../helpers/stack-env.ts'
import { goldenSpec, rulesFile } from './helpers/golden-rules.ts'
import { deviceName, goldenStream, oracle, SCRIPT } from './helpers/golden-stream.ts'
import { fixture, processorConfig, produce, settle, settleRaw, waitFor } from './helpers/pipeline-fixture.ts'

test('golden: stored windows, anomalies, DLQ and raw rows equal the oracle', { timeout: 150_000 }, async () => {
  const spec = goldenSpec()
  const f = await fixture(stackEnv(), spec.partitions)
  const deliveries = goldenStream(spec)
  const expected = oracle(deliveries, spec)
  const devices = Array.from({ length: spec.devices }, (_, i) => deviceName(i))
  const proc = await startProcessor(
    processorConfig(f, {
      'processor-window-sizes-ms': spec.windowSizesMs.join(','),
      'processor-allowed-lateness-ms': spec.latenessMs,
      'processor-idle-timeout-ms': 3_000,
      'processor-checkpoint-interval-ms': 500,
      'processor-rules-file': rulesFile(spec),
    }),
  )
  try {
    await produce(f, deliveries)
    // the device's own word: a Last Will, then a reconnect (and one event that is not one)
    const events = f.kafka.producer()
    await events.connect()
    await events.send({
      topic: f.topics.events,
      acks: -1,
      messages: [
        { key: 'dev-05', value: JSON.stringify({ deviceId: 'dev-05', kind: 'will', status: 'offline', at: spec.t0 + 100_000 }) },
        { key: 'dev-05', value: 'garbage' },
        { key: 'dev-05', value: JSON.stringify({ deviceId: 'dev-05', kind: 'connect', at: spec.t0 + 160_000 }) },
      ],
    })
    await events.disconnect()
    const problems = await settle(f, expected, devices, spec, 90_000)
    assert.deepEqual(problems.slice(0, 20), [], `${problems.length} differences`)
    const lateTotal = [...expected.values()].reduce((a, e) => a + e.late, 0)
    assert.ok(lateTotal > 20, `the scenario exercises late corrections (${lateTotal})`)
    assert.ok(proc.counters.duplicates > 20, 'and duplicates')

    // expected count and completeness from the reporting interval (1 s)
    const rs = await f.client.execute(
      'SELECT expected_count, completeness, count FROM window_aggregates WHERE device_id = ? AND window_size = ? AND day = ? AND window_start = ? AND metric = ?',
      [deviceName(0), 60_000, cassandra.types.LocalDate.fromString(utcDay(spec.t0)), new Date(spec.t0 + 120_000), 'temperature'],
    )
    assert.equal(rs.first()?.get('expected_count'), 60)
    assert.equal(rs.first()?.get('completeness'), Math.min(1, (rs.first()?.get('count') as number) / 60))

    // raw rows: one per unique reading (held back up to the raw write delay, 5 s by default)
    const raw = await settleRaw(f, deliveries, 15_000)
    assert.equal(raw.stored, raw.unique)

    // scripted anomalies, in Cassandra
    const anomalies = async (dev: number): Promise<cassandra.types.Row[]> =>
      (await f.client.execute('SELECT * FROM anomalies WHERE device_id = ? AND day = ?', [deviceName(dev), cassandra.types.LocalDate.fromString(utcDay(spec.t0))])).rows
    const tOf = (dev: number, seq: number): number => deliveries.find((d) => d.reading?.deviceId === deviceName(dev) && d.reading.seq === seq)?.reading?.eventTime as number
    const thr = (await anomalies(SCRIPT.thresholdDevice)).filter((r) => r.get('kind') === 'threshold')
    assert.equal(thr.length, 1)
    assert.equal((thr[0]?.get('opened_at') as Date).getTime(), tOf(SCRIPT.thresholdDevice, SCRIPT.spikeSeqs[0]))
    assert.equal((thr[0]?.get('closed_at') as Date).getTime(), tOf(SCRIPT.thresholdDevice, SCRIPT.spikeSeqs[1] + 1))
    assert.equal(thr[0]?.get('severity'), 'warning')
    const fault = (await anomalies(SCRIPT.faultDevice)).filter((r) => r.get('kind') === 'sensor_fault')
    assert.equal(fault.length, 1)
    assert.equal((fault[0]?.get('opened_at') as Date).getTime(), tOf(SCRIPT.faultDevice, SCRIPT.faultSeq))
    const silence = (await anomalies(SCRIPT.silentDevice)).filter((r) => r.get('kind') === 'silence')
    assert.equal((silence[0]?.get('opened_at') as Date).getTime(), tOf(SCRIPT.silentDevice, SCRIPT.silentAfterSeq) + 60_000)
    const offline = (await anomalies(5)).filter((r) => r.get('kind') === 'offline')
    assert.equal(offline.length, 1, 'Will → one offline anomaly')
    assert.deepEqual([(offline[0]?.get('opened_at') as Date).getTime(), (offline[0]?.get('closed_at') as Date).getTime()], [spec.t0 + 100_000, spec.t0 + 160_000])
    const dev = await f.client.execute('SELECT status, last_seq, reporting_interval_ms, site FROM devices WHERE device_id = ?', [deviceName(SCRIPT.silentDevice)])
    assert.deepEqual([dev.first()?.get('status'), Number(dev.first()?.get('last_seq')), dev.first()?.get('reporting_interval_ms'), dev.first()?.get('site')], ['silent', SCRIPT.silentAfterSeq, 1_000, 'lab'])

    // poison → DLQ (source processor) and anomalies → iot.anomalies
    const seen = { dlq: [] as Array<Record<string, unknown>>, anomalies: [] as Array<Record<string, unknown>> }
    const consumer = f.kafka.consumer({ groupId: `${f.groupId}.check` })
    await consumer.connect()
    await consumer.subscribe({ topics: [f.topics.dlq, f.topics.anomalies], fromBeginning: true })
    await consumer.run({
      eachMessage: async ({ topic, message }) => {
        const v = JSON.parse(String(message.value)) as Record<string, unknown>
        if (topic === f.topics.dlq) seen.dlq.push(v)
        else seen.anomalies.push(v)
      },
    })
    try {
      await waitFor('DLQ and anomaly records', async () => seen.dlq.length >= 2 && seen.anomalies.some((a) => a.kind === 'threshold' && a.state === 'closed'), 30_000, 250)
    } finally {
      await consumer.disconnect()
    }
    assert.deepEqual(seen.dlq.map((d) => d.reason).sort(), ['PROC_REJECT_INVALID', 'PROC_REJECT_UNPARSEABLE'])
    assert.ok(seen.dlq.every((d) => d.source === 'processor' && typeof d.payloadBase64 === 'string'))
    assert.equal(Buffer.from(String(seen.dlq.find((d) => d.reason === 'PROC_REJECT_UNPARSEABLE')?.payloadBase64), 'base64').toString(), '{not json')

    // health and metrics
    const ready = await fetch(`http://127.0.0.1:${proc.httpPort}/ready`)
    assert.equal(ready.status, 200)
    const metrics = await (await fetch(`http://127.0.0.1:${proc.httpPort}/metrics`)).text()
    assert.match(metrics, /processor_duplicates_total [1-9]/)
    assert.match(metrics, /processor_late_total [1-9]/)
    assert.match(metrics, /processor_window_durable_seconds_count [1-9]/)
  } finally {
    await proc.stop()
    await f.destroy()
  }
})
