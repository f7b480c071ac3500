// Caps connections being opened at once, so ramping 10 000 devices does not open 10 000 sockets
// in one tick (SYN backlog, connect timeouts).
import type { ConnectGate } from './device-connection.ts'

export function createConnectGate(max: number): ConnectGate {
  let active = 0
  const waiting: (() => void)[] = []
  return {
    acquire: () => {
      if (active < max) {
        active++
        return Promise.resolve()
      }
      return new Promise((resolve) => waiting.push(() => resolve()))
    },
    release: () => {
      const next = waiting.shift()
      if (next) next()
      else active--
    },
  }
}
