import { strict as assert } from 'node:assert'
import { Writable } from 'node:stream'
import { describe, it } from 'node:test'
import { createLogger } from '../../gateway/logger.ts'

describe('logger', () => {
  it('redacts passwords and authorization values', async () => {
    const lines: string[] = []
    const log = createLogger('info', new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }))
    log.info({ password: 'hunter2', conn: { password: 'p2', authorization: 'Bearer t' }, token: 'tok' }, 'x')
    const text = lines.join('')
    for (const secret of ['hunter2', 'p2', 'Bearer t', 'tok"']) assert.ok(!text.includes(secret), secret)
    assert.equal((JSON.parse(lines[0] as string) as { password: string }).password, '[redacted]')
  })
})
