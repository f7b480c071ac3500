// Password checks are bounded: a reconnect storm queues behind a few concurrent scrypt checks
// instead of being refused; a flood beyond the queue gets "server unavailable" (3); a verified
// password is remembered so a reconnect costs no scrypt.
import { strict as assert } from 'node:assert'
import { describe, it } from 'node:test'
import type { Client } from 'aedes'
import { createAuthHooks } from '../../../gateway/identity/authenticate.ts'
import { credentialStore } from '../../../gateway/identity/credentials-file.ts'
import { hashPassword } from '../../../gateway/identity/password-hash.ts'

async function hooks(maxQueuedChecks: number) {
  const hash = await hashPassword('pw', { N: 1024, r: 8, p: 1 })
  const devices: Record<string, { hash: string }> = {}
  for (let i = 0; i < 40; i++) devices[`d${i}`] = { hash }
  return createAuthHooks({
    credentials: credentialStore({ devices }),
    maxClientIdLength: 64,
    keepaliveMinSec: 10,
    keepaliveMaxSec: 120,
    allowAnonymous: false,
    isAccepting: () => true,
    maxConcurrentChecks: 2,
    maxQueuedChecks,
  })
}

const auth = (h: Awaited<ReturnType<typeof hooks>>, id: string, pw = 'pw') =>
  new Promise<number>((resolve) =>
    h.authenticate({ id } as Client, id, Buffer.from(pw), (err) => resolve(err ? (err as { returnCode: number }).returnCode : 0)),
  )

describe('authenticate queue', () => {
  it('a storm of 40 CONNECTs all succeed through 2 concurrent checks', async () => {
    const h = await hooks(100)
    const codes = await Promise.all(Array.from({ length: 40 }, (_, i) => auth(h, `d${i}`)))
    assert.deepEqual(codes, Array(40).fill(0))
  })

  it('beyond the queue: code 3; a wrong password after a cached success is still refused', async () => {
    const h = await hooks(3)
    const codes = await Promise.all(Array.from({ length: 10 }, (_, i) => auth(h, `d${i}`)))
    assert.equal(codes.filter((c) => c === 0).length, 5)
    assert.equal(codes.filter((c) => c === 3).length, 5)
    assert.equal(await auth(h, 'd0'), 0, 'cached')
    assert.equal(await auth(h, 'd0', 'nope'), 5)
  })
})
