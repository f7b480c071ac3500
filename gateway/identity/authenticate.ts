// aedes `preConnect` + `authenticate`: every device proves its identity with its own password;
// anonymous only when explicitly enabled. A refused CONNECT never stores or fires its Will
// (aedes #214): aedes only stores the Will after authenticate succeeds.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { AuthenticateError, Client, ConnectPacket } from 'aedes'
import type { CredentialStore } from './credentials-file.ts'
import { verifyPassword } from './password-hash.ts'
import { checkConnect, PendingRefusals, type ConnectPolicyOptions, type Refusal } from './connect-policy.ts'

export interface AuthHooksOptions extends ConnectPolicyOptions {
  credentials: CredentialStore
  /** scrypt checks running at once (they run on the libuv pool) */
  maxConcurrentChecks?: number
  /** CONNECTs waiting for a check; beyond this "server unavailable" (CPU exhaustion by password guessing) */
  maxQueuedChecks?: number
  onRefused?: (client: Client, refusal: Refusal) => void
}

export interface AuthHooks {
  preConnect: (client: Client, packet: ConnectPacket, cb: (err: Error | null, ok: boolean) => void) => void
  authenticate: (client: Client, username: string | undefined, password: Buffer | undefined, done: (err: AuthenticateError | null, ok: boolean | null) => void) => void
}

function refusalError(r: Refusal): AuthenticateError {
  return Object.assign(new Error(`connect refused: ${r.reason}`), { returnCode: r.code }) as AuthenticateError
}

export function createAuthHooks(opts: AuthHooksOptions): AuthHooks {
  const pending = new PendingRefusals()
  // Reconnect storms would otherwise cost one scrypt per CONNECT: remember, per device, an HMAC of
  // the last verified password under a per-process key (never the password itself).
  const cacheKey = randomBytes(32)
  const verified = new Map<string, Buffer>()
  const mac = (pw: Buffer): Buffer => createHmac('sha256', cacheKey).update(pw).digest()
  const maxChecks = opts.maxConcurrentChecks ?? 8
  const maxQueued = opts.maxQueuedChecks ?? 5_000
  let running = 0
  const waiting: Array<() => void> = []
  const release = (): void => {
    running--
    const next = waiting.shift()
    if (next) {
      running++
      next()
    }
  }

  const refuse = (client: Client, r: Refusal, done: (err: AuthenticateError | null, ok: boolean | null) => void): void => {
    opts.onRefused?.(client, r)
    done(refusalError(r), false)
  }

  return {
    preConnect(client, packet, cb) {
      const r = checkConnect(packet, opts)
      if (r) pending.set(client, r)
      cb(null, true)
    },
    authenticate(client, username, password, done) {
      const early = pending.take(client)
      if (early) return refuse(client, early, done)
      if (username === undefined && password === undefined) return done(null, true) // anonymous, allowed by policy
      const id = client.id
      const entry = opts.credentials.get(id)
      // Anonymous mode (demo, simulators that send username = client id and no password): an
      // unregistered device may connect without a password. A registered device must still prove
      // itself, or anonymous mode would let anyone take over its identity.
      if (!entry && !password && opts.allowAnonymous) return done(null, true)
      if (!entry || !password) return refuse(client, { code: 5, reason: 'bad_credentials' }, done)
      const cached = verified.get(id)
      if (cached && timingSafeEqual(cached, mac(password))) return done(null, true)
      const check = (): void => {
        verifyPassword(password, entry.hash)
          .then(
            (ok) => {
              if (!ok) return refuse(client, { code: 5, reason: 'bad_credentials' }, done)
              verified.set(id, mac(password))
              done(null, true)
            },
            () => refuse(client, { code: 5, reason: 'bad_credentials' }, done),
          )
          .finally(release)
      }
      if (running < maxChecks) {
        running++
        return check()
      }
      // a reconnect storm queues; a flood beyond the queue is refused
      if (waiting.length >= maxQueued) return refuse(client, { code: 3, reason: 'auth_busy' }, done)
      waiting.push(check)
    },
  }
}
