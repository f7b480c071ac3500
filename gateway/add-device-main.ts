// `npm run gateway:add-device -- <deviceId> [--sensor bme280] [--credentials-file path]`: adds a
// device (or replaces its password), stores only the scrypt hash, prints the generated password once.
import { DeviceId } from '../contracts/reading.ts'
import { TypeCompiler } from '@sinclair/typebox/compiler'
import { readCredentials, writeCredentials } from './identity/credentials-file.ts'
import { generatePassword, hashPassword } from './identity/password-hash.ts'

const usage = `usage: npm run gateway:add-device -- <deviceId> [--sensor <profile>] [--credentials-file <path>]
  deviceId           [A-Za-z0-9_-]{1,64}; it is also the MQTT client id and username
  --sensor           profile id for dialects that do not name one (ESPHome), e.g. bme280
  --credentials-file default $IOT_AUTH_CREDENTIALS_FILE or gateway-devices.json`

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage)
    return 0
  }
  let file = process.env.IOT_AUTH_CREDENTIALS_FILE || 'gateway-devices.json'
  let sensor: string | undefined
  const rest: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string
    if (a === '--credentials-file') file = argv[++i] ?? ''
    else if (a === '--sensor') sensor = argv[++i]
    else rest.push(a)
  }
  const [id, ...extra] = rest
  if (!id || extra.length > 0 || !TypeCompiler.Compile(DeviceId).Check(id) || ['devices', 'tele', 'stat', 'cmnd'].includes(id)) {
    console.error(`invalid or missing deviceId\n${usage}`)
    return 2
  }
  if (sensor !== undefined && !/^[a-z0-9_-]{1,32}$/.test(sensor)) {
    console.error(`invalid --sensor ${sensor}\n${usage}`)
    return 2
  }
  const creds = readCredentials(file, { missingOk: true })
  const password = generatePassword()
  creds.devices[id] = { hash: await hashPassword(password), ...(sensor ? { sensor } : {}) }
  writeCredentials(file, creds)
  console.error(`device ${id} written to ${file}; the password is printed once on stdout:`)
  console.log(password)
  return 0
}

process.exitCode = await main(process.argv.slice(2))
