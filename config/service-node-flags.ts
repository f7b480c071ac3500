// Node/V8 flags for the two services every reading passes through. Every launcher passes them:
// package.json's scripts (and so docker-compose, which runs those), and through tsxServiceArgs the
// demo's supervisor, the benchmarks and the tests that start a service process.
// test/config/service-node-flags.test.ts keeps the scripts in step with this.
//
// --max-semi-space-size=64 (MiB; the default is 16 on Node 20, 32 on Node 26): the gateway
// holds each publish from its socket read until Kafka acknowledges it, the processor each raw row
// for up to 5 s, so a young-generation collection finds many of them alive and copies them. A
// scavenge costs what survives, not what died; with a young generation four times larger (Node
// 20) there are a quarter as many, and fewer short-lived objects live through two of them into
// the old generation. GC was 12–17 % of both services' CPU in profiles under the pipeline
// benchmark. Measured there at 10,000 readings/s, one run each (with Cassandra's flush change,
// which touches neither service): gateway 46 → 43 µs of CPU per reading, processor 23 → 22. The
// price is memory: the young generation may grow to 128 MiB per service (peak RSS in the same
// runs: gateway 292 → 318 MiB, processor 359 → 455 MiB).
import { join } from 'node:path'

export type PerReadingService = 'gateway' | 'processor'

export const serviceNodeFlags: Readonly<Record<PerReadingService, readonly string[]>> = Object.freeze({
  gateway: Object.freeze(['--max-semi-space-size=64']),
  processor: Object.freeze(['--max-semi-space-size=64']),
})

/**
 * The flags for a service's entry point, 'gateway/main.ts' or 'processor/main.ts'; none for other
 * services and for other entry points (`npm run gateway:add-device` passes none either).
 */
export function nodeFlagsFor(entry: string): readonly string[] {
  const m = /^([a-z-]+)\/main\.ts$/.exec(entry)
  const service = m?.[1]
  return service !== undefined && Object.hasOwn(serviceNodeFlags, service) ? serviceNodeFlags[service as PerReadingService] : []
}

/** Node's arguments to run `entry` (relative to `root`) as its npm script does: its flags, the tsx loader, the entry. */
export function tsxServiceArgs(root: string, entry: string): string[] {
  return [...nodeFlagsFor(entry), '--import', 'tsx', join(root, entry)]
}
