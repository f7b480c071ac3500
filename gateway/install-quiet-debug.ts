// Imported for its effect, first, by the processes that carry MQTT at volume (gateway/main.ts and
// the benchmarks' load generator): mqtt-packet, which aedes and our device client use to parse and
// write every packet, logs through the `debug` package about 25 times per PUBLISH and PUBACK.
// With DEBUG unset each of those calls still reaches `debug`'s logger, whose rest parameter
// allocates an array before it finds the namespace disabled: ~1 KB per reading, 9–12 % of all the
// gateway allocated under the pipeline benchmark (V8 sampling heap profile), and allocation is what
// brings the next scavenge closer (GC was ~14 % of the gateway's CPU profile at 20,000/s, nearly
// all of it scavenges).
// So the `debug` that mqtt-packet loads is replaced by one that hands out a plain no-op for a
// namespace not enabled when it is created, and the real logger otherwise: `DEBUG=mqtt-packet:*`
// at start-up logs exactly as before. What no longer works is enabling mqtt-packet's namespaces
// later with debug.enable() in a running process; nothing here does that.
// mqtt-packet creates its loggers when it loads, so this must run before anything imports aedes or
// mqtt-packet; if it runs later it throws, so a wrong import order stops the process at start
// (as kafka-client/install-lean-produce.ts does).
import Module, { createRequire } from 'node:module'
import { dirname } from 'node:path'

interface DebugLogger {
  (...args: unknown[]): void
  enabled: boolean
  namespace: string
  extend: (namespace: string, delimiter?: string) => DebugLogger
}
type CreateDebug = ((namespace: string) => DebugLogger) & Record<string, unknown>

const require = createRequire(import.meta.url)
const mqttPacketDir = dirname(require.resolve('mqtt-packet/package.json'))
const debugPath = require.resolve('debug', { paths: [mqttPacketDir] })

if (require.cache[require.resolve('mqtt-packet/parser.js')]?.loaded) {
  throw new Error('mqtt-packet was loaded before gateway/install-quiet-debug.ts: import it first, before anything that imports aedes or mqtt-packet')
}

const real = require(debugPath) as CreateDebug
const quiet = ((namespace: string): DebugLogger => {
  const logger = real(namespace)
  if (logger.enabled) return logger
  // Called with arguments it does not declare: V8 passes them on the stack, nothing is allocated.
  const off = function debugOff() {} as unknown as DebugLogger
  off.enabled = false
  off.namespace = namespace
  off.extend = logger.extend.bind(logger)
  return off
}) as CreateDebug
// enable/disable/names/formatters… stay the real module's (they act on its state, not `this`).
Object.assign(quiet, real)
quiet.debug = quiet
quiet.default = quiet
const m = new Module(debugPath)
m.filename = debugPath
m.exports = quiet
m.loaded = true
require.cache[debugPath] = m
