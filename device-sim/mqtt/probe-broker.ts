// Fails fast with SIM_ERR_BROKER_UNREACHABLE before any device starts: a plain TCP connect to the
// broker's host and port (credentials are per device, so a CONNECT here could be refused for
// reasons that say nothing about reachability).
import { connect } from 'node:net'
import { SimError } from '../errors.ts'

export function brokerAddress(url: string): { host: string; port: number } {
  let u: URL
  try {
    u = new URL(url)
  } catch (cause) {
    throw new SimError('SIM_ERR_INVALID_ARGS', `--url: "${url}" is not a URL (example: mqtt://127.0.0.1:1883)`, { cause })
  }
  if (u.protocol !== 'mqtt:' && u.protocol !== 'tcp:') throw new SimError('SIM_ERR_INVALID_ARGS', `--url: only mqtt:// is supported, got ${u.protocol}//`)
  return { host: u.hostname || '127.0.0.1', port: u.port === '' ? 1883 : Number(u.port) }
}

export function probeBroker(url: string, timeoutMs: number): Promise<void> {
  const { host, port } = brokerAddress(url)
  return new Promise((resolve, reject) => {
    const s = connect({ host, port })
    const fail = (why: string): void => {
      s.destroy()
      reject(new SimError('SIM_ERR_BROKER_UNREACHABLE', `broker ${host}:${port} unreachable: ${why}`, { retriable: true }))
    }
    s.setTimeout(timeoutMs, () => fail(`no answer within ${timeoutMs} ms`))
    s.once('error', (e) => fail(e.message))
    s.once('connect', () => {
      s.end()
      resolve()
    })
  })
}
