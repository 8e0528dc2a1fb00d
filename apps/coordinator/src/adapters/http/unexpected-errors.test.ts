import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { openStores } from '../db/open-store.ts'
import type { CoordinatorStores } from '../../store/coordinator-stores.ts'
import { StoreError } from '../../store/store-error.ts'
import type { Store } from '../../store/store.ts'
import { parseConfig } from '../../config/parse-config.ts'
import { startCoordinator } from '../../main.ts'
import type { RunningCoordinator } from '../../main.ts'
import { generateApiToken } from '../../accounts/api-token.ts'
import { createLogger } from '../log/create-logger.ts'
import { createCaptureStream } from './capture-stream.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'

/** A store whose every call fails the way a broken database would, text included. */
function createBrokenStore(): Store {
  const fail = (): Promise<never> => Promise.reject(new Error('relation "api_tokens" does not exist at /srv/secret/path'))
  return {
    dialect: 'sqlite',
    createAccount: fail,
    getAccount: fail,
    setPayoutAddress: fail,
    addApiToken: fail,
    findAccountByTokenHash: fail,
    postTransaction: fail,
    // The health probe reads a balance: report the database as unreachable.
    getBalance: () => Promise.reject(new StoreError('STORE_UNAVAILABLE', 'The database cannot be reached.')),
    listEntries: fail,
    close: () => Promise.resolve(),
  }
}

describe('coordinator HTTP API when the store fails', () => {
  const logs = createCaptureStream()
  let coordinator: RunningCoordinator

  let stores: CoordinatorStores
  let dataDir: string

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'meson-broken-store-'))
    const parsed = parseConfig({ flags: { port: '0', adminToken: ADMIN_TOKEN, dataDir } })
    assert.ok(parsed.ok)
    // Real fleet and metering stores; the accounts/ledger store fails every call.
    stores = await openStores({ url: 'sqlite::memory:' })
    coordinator = await startCoordinator(parsed.config, { stores: { ...stores, store: createBrokenStore() }, logger: createLogger({ level: 'info', destination: logs.stream }) })
  })
  after(async () => {
    await coordinator.close()
    await stores.close()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('answers 500 INTERNAL with a request id and no internals, and logs the error under that id', async () => {
    const token = generateApiToken()
    const response = await fetch(`${coordinator.url}/v1/me`, { headers: { authorization: `Bearer ${token}` } })
    assert.equal(response.status, 500)
    const body: unknown = await response.json()
    const error: unknown = typeof body === 'object' && body !== null ? Reflect.get(body, 'error') : undefined
    const message: unknown = typeof error === 'object' && error !== null ? Reflect.get(error, 'message') : undefined
    assert.ok(typeof message === 'string')
    assert.deepEqual(body, { error: { code: 'INTERNAL', message } })
    const requestId = /^internal error \(request id ([0-9a-f-]{36})\)$/.exec(message)?.[1]
    assert.ok(requestId !== undefined, message)
    assert.ok(!JSON.stringify(body).includes('api_tokens'))

    const lines = logs.text().split('\n').filter((line) => line.includes('request failed'))
    assert.equal(lines.length, 1)
    assert.ok(lines[0]?.includes(requestId), 'the log line carries the request id')
    assert.ok(lines[0]?.includes('api_tokens'), 'the log line keeps the cause for the operator')
    assert.ok(!logs.text().includes(token), 'the token stays out of the log')
    assert.ok(!logs.text().includes(ADMIN_TOKEN))
  })

  it('answers 503 STORE_UNAVAILABLE on /healthz when the database is unreachable', async () => {
    const response = await fetch(`${coordinator.url}/healthz`)
    assert.equal(response.status, 503)
    assert.deepEqual(await response.json(), { error: { code: 'STORE_UNAVAILABLE', message: 'the store does not answer' } })
  })
})

describe('createLogger', () => {
  it('redacts tokens, authorization headers and passwords wherever a caller puts them', () => {
    const logs = createCaptureStream()
    const logger = createLogger({ level: 'info', destination: logs.stream })
    logger.info({ token: 'msn_leak1', adminToken: 'leak2', req: { headers: { authorization: 'Bearer leak3' } }, db: { password: 'leak4' }, account: { token: 'leak5' } }, 'hello')
    const text = logs.text()
    assert.ok(text.includes('hello'))
    for (const secret of ['leak1', 'leak2', 'leak3', 'leak4', 'leak5']) assert.ok(!text.includes(secret), secret)
  })
})
