// The whole pipeline on a private stack, for one chaos test: its own Kafka and Cassandra (free
// ports; the shared stack is never touched), the product's topics and schema (provision/), the
// real gateway and processor as processes, and a QoS 1 MQTT fleet recording what was acknowledged.
// `runChaos` sets it up, hands it to the fault, then stops the load, waits (bounded) until the
// processor has caught up and every window covering the load has closed, and checks the
// named invariants against what Cassandra holds.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestContext } from 'node:test'
import { Kafka, logLevel, type Admin } from 'kafkajs'
import { createCassandraClient } from '../../../config/cassandra-connection.ts'
import { loadConfig } from '../../../config/load-config.ts'
import { Topics } from '../../../contracts/topics.ts'
import { readCredentials, writeCredentials } from '../../../gateway/identity/credentials-file.ts'
import { generatePassword, hashPassword } from '../../../gateway/identity/password-hash.ts'
import { freePort } from '../../../local-stack/preflight.ts'
import { ProvisionConfig } from '../../../provision/config.ts'
import { provisionSchema, provisionTopics } from '../../../provision/provision.ts'
import { metric, startGatewayProcess, type GatewayProcess } from '../../gateway/helpers/gateway-process.ts'
import { startFleet, type Fleet } from '../../gateway/helpers/qos1-fleet.ts'
import { assertEveryAckedStoredOnce, assertEveryStoredCountedInOneWindow } from '../../helpers/invariants.ts'
import { privateStack, type PrivateStack } from '../../helpers/private-stack.ts'
import { waitFor } from '../../processor/helpers/pipeline-fixture.ts'
import { processorMetric, processorReady, startProcessorProcess, type ProcessorProcess } from './chaos-processor.ts'
import { readStoredRaw, readStoredWindows } from './chaos-store.ts'

/** Short windows, lateness and idle timeout, so the windows covering the load close seconds after it stops. */
export const CHAOS_WINDOWS_MS = [2_000, 6_000]
const GROUP_ID = 'iot-processor-chaos'

export interface ChaosOptions {
  /** device id prefix, also names the temp folder */
  name: string
  devices?: number
  ratePerDevice?: number
  /** give the gateway an on-disk spool (acknowledges from it while Kafka is down) */
  spool?: boolean
  processorLogLevel?: 'info' | 'debug'
  /** how long a dead processor keeps its partitions; default the product's (30 s) */
  processorSessionTimeoutMs?: number
}

export interface ChaosPipeline {
  stack: PrivateStack
  gateway: GatewayProcess
  processor: ProcessorProcess
  fleet: Fleet
  phase(what: string): void
  /** start a gateway on the port the fleet uses (after the previous one died) */
  restartGateway(): Promise<void>
  /** start a processor in the same group (after the previous one died) */
  restartProcessor(): Promise<void>
  /** wait until at least `more` further readings are acknowledged (bounded) */
  ackedGrows(what: string, more: number, timeoutMs: number): Promise<void>
  /** wait until the processor has counted at least `n` readings (bounded) */
  processed(what: string, n: number, timeoutMs: number): Promise<void>
  /** records in the readings topic and the processor group's committed offsets, summed over partitions */
  offsets(): Promise<{ end: number; committed: number }>
}

/** A fault may return a check to run once the pipeline has settled and the invariants hold. */
export type Fault = (p: ChaosPipeline) => Promise<void | (() => Promise<void>)>

export async function runChaos(t: TestContext, opts: ChaosOptions, fault: Fault): Promise<void> {
  const began = Date.now()
  const phase = (what: string): void => t.diagnostic(`${what} at ${((Date.now() - began) / 1000).toFixed(1)} s`)
  const dir = mkdtempSync(join(tmpdir(), `chaos-${opts.name}-`))
  const stack = await privateStack(['kafka', 'cassandra'])
  phase('private stack up')
  const brokers = stack.endpoints.kafkaBrokers
  const contact = stack.endpoints.cassandraContactPoint
  const gateways: GatewayProcess[] = []
  const processors: ProcessorProcess[] = []
  let fleet: Fleet | undefined
  try {
    const prov = loadConfig(ProvisionConfig, { argv: [`--kafka-brokers=${brokers}`, `--cassandra-contact-points=${contact}`, '--topics-readings-partitions=3'], env: {} })
    await provisionTopics(prov)
    await provisionSchema(prov)
    const creds = join(dir, 'devices.json')
    const passwords = await writeDevices(creds, opts.name, opts.devices ?? 20)
    const mqttPort = await freePort()
    const gatewayArgs = ['--mqtt-port', String(mqttPort), '--auth-credentials-file', creds, ...(opts.spool ? ['--delivery-spool-dir', join(dir, 'spool'), '--delivery-send-timeout-ms', '2000'] : [])]
    // both servers named explicitly: the inherited IOT_* variables point at the shared stack
    const gatewayEnv = { IOT_KAFKA_BROKERS: brokers, IOT_CASSANDRA_CONTACT_POINTS: contact }
    const startGateway = async (): Promise<void> => void gateways.push(await startGatewayProcess(gatewayArgs, gatewayEnv))
    const processorFlags = {
      'kafka-brokers': brokers,
      'cassandra-contact-points': contact,
      'processor-group-id': GROUP_ID,
      'processor-window-sizes-ms': CHAOS_WINDOWS_MS.join(','),
      'processor-allowed-lateness-ms': 1_000,
      'processor-idle-timeout-ms': 2_000,
      'processor-checkpoint-interval-ms': 300,
      ...(opts.processorSessionTimeoutMs ? { 'processor-session-timeout-ms': opts.processorSessionTimeoutMs } : {}),
      'processor-http-port': 0,
      'processor-log-level': opts.processorLogLevel ?? 'info',
    }
    const startProcessor = async (): Promise<void> => void processors.push(await startProcessorProcess(processorFlags))
    await Promise.all([startGateway(), startProcessor()])
    phase('gateway and processor up')
    fleet = startFleet(mqttPort, passwords, { ratePerDevice: opts.ratePerDevice ?? 12 })
    const f = fleet
    const last = <T>(xs: T[]): T => xs[xs.length - 1] as T
    const p: ChaosPipeline = {
      stack,
      get gateway() {
        return last(gateways)
      },
      get processor() {
        return last(processors)
      },
      fleet: f,
      phase,
      restartGateway: startGateway,
      restartProcessor: startProcessor,
      ackedGrows: async (what, more, timeoutMs) => {
        const from = f.acked.size
        await waitFor(what, async () => f.acked.size >= from + more, timeoutMs, 100)
      },
      processed: async (what, n, timeoutMs) => {
        await waitFor(what, async () => (await processorMetric(last(processors), 'processor_readings_total')) >= n, timeoutMs, 250)
      },
      offsets: () => withAdmin(brokers, async (admin) => {
        const ends = await admin.fetchTopicOffsets(Topics.readings)
        const [committed] = await admin.fetchOffsets({ groupId: GROUP_ID, topics: [Topics.readings] })
        const sum = (xs: Array<{ offset: string }> | undefined): number => (xs ?? []).reduce((n, x) => n + Math.max(0, Number(x.offset)), 0)
        return { end: sum(ends), committed: sum(committed?.partitions) }
      }),
    }
    const afterSettle = await fault(p)
    phase('fault over')
    // Bounded: readings keep coming for a few seconds after the fault, then the fleet stops and
    // waits for outstanding PUBACKs (a device resends what was not acknowledged on reconnect).
    await p.ackedGrows('readings acknowledged after the fault', 200, 30_000)
    await f.stop(15_000)
    phase(`load stopped: ${f.published.size} published, ${f.acked.size} acknowledged`)
    if (f.acked.size === 0) throw new Error('no reading was acknowledged: the load never ran')
    await settle(brokers, contact, p.gateway, p.processor)
    phase('processor caught up, windows closed')
    const attempts = await checkStored(contact, f)
    phase(`invariants hold (${attempts})`)
    if (afterSettle) await afterSettle()
    const counted = await Promise.all(['readings', 'duplicates', 'late'].map((c) => processorMetric(p.processor, `processor_${c}_total`)))
    phase(`last processor counted ${counted[0]} readings, dropped ${counted[1]} duplicates, ${counted[2]} late`)
    const codes = new Map<string, number>()
    for (const l of gateways.flatMap((g) => g.lines)) for (const m of l.matchAll(/GW_ERR_[A-Z_]+/g)) codes.set(m[0], (codes.get(m[0]) ?? 0) + 1)
    if (codes.size) phase(`gateway error codes logged: ${[...codes].map(([c, n]) => `${c} ×${n}`).join(', ')}`)
  } catch (err) {
    // The processes' own account is what explains a failure: their last log lines.
    const tail = (name: string, lines: string[] | undefined): string => `--- ${name}:\n${(lines ?? []).slice(-25).join('\n')}`
    throw new Error(`${(err as Error).message}\n${tail('gateway', gateways.at(-1)?.lines)}\n${tail('processor', processors.at(-1)?.lines)}`, { cause: err })
  } finally {
    await fleet?.stop(0)
    for (const c of [...gateways, ...processors]) if (c.child.exitCode === null && c.child.signalCode === null) c.child.kill('SIGKILL')
    // a throw-away instance needs no graceful stop
    stack.kill('kafka')
    stack.kill('cassandra')
    await stack.destroy()
    rmSync(dir, { recursive: true, force: true })
  }
}

async function writeDevices(file: string, prefix: string, n: number): Promise<Map<string, string>> {
  const creds = readCredentials(file, { missingOk: true })
  const passwords = new Map<string, string>()
  for (let i = 1; i <= n; i++) {
    const id = `${prefix}-${i}`
    const password = generatePassword()
    creds.devices[id] = { hash: await hashPassword(password), sensor: 'bme280' }
    passwords.set(id, password)
  }
  writeCredentials(file, creds)
  return passwords
}

async function withAdmin<T>(brokers: string, fn: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({ brokers: [brokers], clientId: 'chaos-admin', logLevel: logLevel.NOTHING }).admin()
  await admin.connect()
  try {
    return await fn(admin)
  } finally {
    await admin.disconnect()
  }
}

/**
 * Waits until the gateway has replayed its spool, the processor's checkpoints (authoritative, in
 * Cassandra; Kafka commits follow them) cover every record of the readings topic and it holds no
 * open window. Bounded twice: it fails when nothing moves for STALL_MS (a stuck processor fails
 * fast) and after SETTLE_MAX_MS in all (a backlog on a slow, shared machine may take a while).
 */
// Longer than the processor's session timeout (30 s): a KafkaJS consumer that crashed on a dead
// broker rejoins as a new member, and the group assigns partitions only once the old member expired.
const STALL_MS = 60_000
const SETTLE_MAX_MS = 150_000
async function settle(brokers: string, contact: string, gw: GatewayProcess, proc: ProcessorProcess): Promise<void> {
  const client = createCassandraClient(loadConfig(ProvisionConfig, { argv: [`--cassandra-contact-points=${contact}`], env: {} }).cassandra)
  const checkpoints = async (): Promise<Map<number, number>> => {
    const rs = await client.execute('SELECT partition, next_offset FROM processor_checkpoints WHERE group_id = ? AND topic = ? AND partition IN (0, 1, 2)', [GROUP_ID, Topics.readings], { prepare: true })
    return new Map(rs.rows.map((r) => [r.get('partition') as number, Number(r.get('next_offset'))]))
  }
  await withAdmin(brokers, async (admin) => {
    const began = Date.now()
    let lastProgress = began
    let seen = ''
    let state = 'not read yet'
    for (;;) {
      try {
        const ends = await admin.fetchTopicOffsets(Topics.readings)
        const done = await checkpoints()
        const behind = ends.map((e) => ({ p: e.partition, n: Number(e.high) - (done.get(e.partition) ?? 0) }))
        const open = await processorMetric(proc, 'processor_open_windows')
        const spooled = (await metric(gw, 'gateway_spooled_records_total')) - (await metric(gw, 'gateway_replayed_records_total'))
        state = `records still in the gateway's spool: ${spooled}; not checkpointed per partition: ${behind.map((b) => `${b.p}:${b.n}`).join(', ')}; open windows ${open}`
        if (spooled === 0 && behind.every((b) => b.n === 0) && open === 0) return
      } catch (err) {
        state = `offsets or metrics not readable: ${(err as Error).message}`
      }
      if (state !== seen) {
        seen = state
        lastProgress = Date.now()
      }
      if (Date.now() - lastProgress > STALL_MS || Date.now() - began > SETTLE_MAX_MS) {
        const ready = await processorReady(proc).catch((err: Error) => ({ status: 0, reasons: [err.message] }))
        const consumed = await processorMetric(proc, 'processor_records_total').catch(() => NaN)
        throw new Error(
          `the processor did not catch up and close its windows within ${Math.round((Date.now() - began) / 1000)} s (${state}); ` +
            `processor /ready ${ready.status} ${ready.reasons.join('; ')}; records consumed ${consumed}`,
        )
      }
      await new Promise((r) => setTimeout(r, 500))
    }
  }).finally(() => client.shutdown())
}

async function checkStored(contact: string, fleet: Fleet): Promise<string> {
  const conn = loadConfig(ProvisionConfig, { argv: [`--cassandra-contact-points=${contact}`], env: {} }).cassandra
  const client = createCassandraClient(conn)
  try {
    // An idle partition closes its last windows by the wall clock, after its last commit: their
    // rows may still be in flight when the settle condition holds. A short bounded retry, then
    // the checkers' own message (a duplicate or a loss never heals, so this only delays a failure).
    let failure: Error = new Error('stored results never read')
    let ok = false
    const failed: string[] = []
    await waitFor(
      'the stored readings and windows to satisfy the invariants',
      async () => {
        try {
          const [raw, windows] = await Promise.all([readStoredRaw(client), readStoredWindows(client)])
          assertEveryAckedStoredOnce(fleet.acked, raw.map((r) => r.key), fleet.published)
          assertEveryStoredCountedInOneWindow(raw, windows, CHAOS_WINDOWS_MS)
          ok = true
        } catch (err) {
          failure = err as Error
          failed.push(failure.message.slice(0, 300))
        }
        return ok
      },
      10_000,
      1_000,
    ).catch(() => {})
    if (!ok) throw failure
    return failed.length ? `after ${failed.length} failed reads, first: ${failed[0]}` : 'first read'
  } finally {
    await client.shutdown()
  }
}
