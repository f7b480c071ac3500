// Device passwords are stored as scrypt hashes: `scrypt$N$r$p$salt$hash` (base64url). Compare with
// timingSafeEqual on fixed-length digests so a wrong password leaks no timing about the right one.
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'

const scrypt = (password: Buffer | string, salt: Buffer, keylen: number, opts: ScryptOptions): Promise<Buffer> =>
  new Promise((resolve, reject) => scryptCb(password, salt, keylen, opts, (err, key) => (err ? reject(err) : resolve(key))))

export interface ScryptParams {
  N: number
  r: number
  p: number
}
/** 2^14 / 8 / 1: ~16 MB and tens of ms per check, on the libuv pool, not the event loop. */
export const defaultScryptParams: ScryptParams = { N: 16_384, r: 8, p: 1 }
const KEY_LEN = 32

export async function hashPassword(password: string, params: ScryptParams = defaultScryptParams): Promise<string> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, KEY_LEN, { ...params, maxmem: 128 * params.N * params.r * 2 })
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** False for a malformed stored hash rather than a throw: a bad entry must not crash a CONNECT. */
export async function verifyPassword(password: Buffer | string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false
  const [N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  if (![N, r, p].every((n) => Number.isInteger(n) && n > 0) || N > 1 << 20) return false
  const salt = Buffer.from(parts[4] as string, 'base64url')
  const expected = Buffer.from(parts[5] as string, 'base64url')
  if (expected.length !== KEY_LEN) return false
  const key = await scrypt(password, salt, KEY_LEN, { N, r, p, maxmem: 128 * N * r * 2 })
  return timingSafeEqual(key, expected)
}

export const generatePassword = (): string => randomBytes(18).toString('base64url')
