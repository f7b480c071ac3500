// Node/V8 flags for the two services every reading passes through. Every launcher passes them:
// package.json's scripts (and so docker-compose, which runs those), the demo's supervisor and the
// pipeline benchmark. test/config/service-node-flags.test.ts keeps the scripts in step with this.
//
// --max-semi-space-size=64 (MiB; Node 20's default is 16, a 32 MiB young generation): the gateway
// holds each publish from its socket read until Kafka acknowledges it, the processor each raw row
// for up to 5 s, so a young-generation collection finds many of them alive and copies them. A
// scavenge costs what survives, not what died; with a young generation four times larger there
// are a quarter as many, and fewer short-lived objects live through two of them into the old
// generation. GC was 12–17 % of both services' CPU in profiles under the pipeline benchmark. The
// price is memory: the young generation may grow to 128 MiB per service (peak RSS at 10,000
// readings/s: gateway 292 → 318 MiB, processor 359 → 455 MiB).
export type PerReadingService = 'gateway' | 'processor'

export const serviceNodeFlags: Readonly<Record<PerReadingService, readonly string[]>> = Object.freeze({
  gateway: Object.freeze(['--max-semi-space-size=64']),
  processor: Object.freeze(['--max-semi-space-size=64']),
})
