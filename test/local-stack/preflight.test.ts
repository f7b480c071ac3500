import assert from 'node:assert/strict'
import { createServer, type Server } from 'node:net'
import { test } from 'node:test'
import { StackError } from '../../local-stack/errors.ts'
import { checkJava, checkMaven, checkPortFree, freePort } from '../../local-stack/preflight.ts'

const isStackError = (code: string) => (err: unknown) => err instanceof StackError && err.code === code

test('a missing Java is reported with what to install', () => {
  assert.throws(() => checkJava({ ...process.env, JAVA_HOME: '/nonexistent-jdk' }), (err: unknown) => {
    assert.ok(isStackError('STACK_ERR_JAVA_MISSING')(err))
    assert.match((err as Error).message, /openjdk-17|JAVA_HOME/)
    return true
  })
})

test('the installed Java is 17 or newer', () => {
  assert.ok(checkJava() >= 17)
})

test('a missing Maven is reported with what to install', () => {
  assert.throws(() => checkMaven({ ...process.env, PATH: '/nonexistent-bin' }), isStackError('STACK_ERR_MAVEN_MISSING'))
})

test('a port held by another program is an error naming the setting to change', async () => {
  const holder: Server = createServer()
  await new Promise<void>((r) => holder.listen(0, '127.0.0.1', r))
  const port = (holder.address() as { port: number }).port
  try {
    await assert.rejects(checkPortFree(port, 'Kafka (kafkaPort)', 'IOT_STACK_KAFKA_PORT'), (err: unknown) => {
      assert.ok(isStackError('STACK_ERR_PORT_TAKEN')(err))
      assert.match((err as Error).message, new RegExp(`port ${port}.*IOT_STACK_KAFKA_PORT`, 's'))
      return true
    })
  } finally {
    holder.close()
  }
})

test('a free port passes the check', async () => {
  await checkPortFree(await freePort(), 'x', 'Y')
})
