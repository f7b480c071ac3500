// The demo prefers the ports users expect (1883, 8080) and falls back to free ones when another
// program holds them (a Mosquitto on 1883 is common), saying so rather than failing.
import { checkPortFree, freePort } from '../local-stack/preflight.ts'

export async function preferredPort(preferred: number, what: string, log: (l: string) => void): Promise<number> {
  if (preferred === 0) return freePort()
  try {
    await checkPortFree(preferred, what, '')
    return preferred
  } catch {
    const port = await freePort()
    log(`port ${preferred} is taken by another program; ${what} uses ${port} instead`)
    return port
  }
}
