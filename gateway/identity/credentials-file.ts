// The device credentials file: JSON `{ "devices": { "<deviceId>": { "hash": "scrypt$…", "sensor"?: "bme280" } } }`.
// Written atomically (temp file, fsync, rename) so a crash never leaves half a file.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs'
import { Type, type Static } from '@sinclair/typebox'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { DeviceId } from '../../contracts/reading.ts'
import { AppError } from '../errors.ts'

export const CredentialEntry = Type.Object(
  {
    hash: Type.String({ pattern: '^scrypt\\$' }),
    sensor: Type.Optional(Type.String({ pattern: '^[a-z0-9_-]{1,32}$', description: 'profile id for dialects that do not name one' })),
  },
  { additionalProperties: false },
)
export const CredentialsFile = Type.Object({ devices: Type.Record(DeviceId, CredentialEntry) }, { additionalProperties: false })
export type CredentialEntry = Static<typeof CredentialEntry>
export type CredentialsFile = Static<typeof CredentialsFile>
const check = TypeCompiler.Compile(CredentialsFile)

export function readCredentials(path: string, opts: { missingOk?: boolean } = {}): CredentialsFile {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    if (opts.missingOk && (err as NodeJS.ErrnoException).code === 'ENOENT') return { devices: {} }
    throw new AppError('GW_ERR_CREDENTIALS_FILE', `cannot read credentials file ${path}`, { cause: err })
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new AppError('GW_ERR_CREDENTIALS_FILE', `credentials file ${path} is not JSON`, { cause: err })
  }
  if (!check.Check(parsed)) {
    const first = [...check.Errors(parsed)].slice(0, 5).map((e) => `${e.path}: ${e.message}`)
    throw new AppError('GW_ERR_CREDENTIALS_FILE', `credentials file ${path} is invalid: ${first.join('; ')}`)
  }
  return parsed
}

export function writeCredentials(path: string, file: CredentialsFile): void {
  const tmp = `${path}.tmp-${process.pid}`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, `${JSON.stringify(file, null, 2)}\n`)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
}

/** Lookup used on CONNECT. */
export interface CredentialStore {
  get(deviceId: string): CredentialEntry | undefined
}
export const credentialStore = (file: CredentialsFile): CredentialStore => ({
  get: (id) => (Object.hasOwn(file.devices, id) ? file.devices[id] : undefined),
})
