import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'

async function call(base: string, method: string, path: string, token: string, body?: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  })
  return { status: response.status, body: await response.json() }
}

describe('GET /v1/ledger', () => {
  let dir: string
  let coordinator: RunningCoordinator
  let buyer: { id: string; token: string }
  let operatorToken: string

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-ledger-route-'))
    const parsed = parseConfig({ flags: { port: '0', host: '127.0.0.1', dataDir: dir, db: 'sqlite::memory:', adminToken: ADMIN_TOKEN, logLevel: 'silent' } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }) })
    const created = await call(coordinator.url, 'POST', '/v1/accounts', ADMIN_TOKEN, { name: 'ledger-buyer', role: 'buyer' })
    buyer = { id: String(field(created.body, 'account', 'id')), token: String(field(created.body, 'token')) }
    operatorToken = String(field((await call(coordinator.url, 'POST', '/v1/accounts', ADMIN_TOKEN, { name: 'ledger-operator', role: 'operator' })).body, 'token'))
    for (const amount of ['2 MSN', '0.5 MSN']) assert.equal((await call(coordinator.url, 'POST', '/v1/admin/credits', ADMIN_TOKEN, { accountId: buyer.id, amount })).status, 201)
  })

  after(async () => {
    await coordinator.close()
    await rm(dir, { recursive: true, force: true })
  })

  it("lists the buyer's own credit entries, newest first, with signed base units and MSN", async () => {
    const answer = await call(coordinator.url, 'GET', '/v1/ledger', buyer.token)
    assert.equal(answer.status, 200)
    assert.equal(field(answer.body, 'ledgerAccount'), `buyer:${buyer.id}`)
    assert.equal(field(answer.body, 'entries', '0', 'amount'), (5n * 10n ** 17n).toString())
    assert.equal(field(answer.body, 'entries', '0', 'amountFormatted'), '0.5 MSN')
    assert.equal(field(answer.body, 'entries', '1', 'amount'), (2n * 10n ** 18n).toString())
    assert.equal(field(answer.body, 'entries', '2'), undefined)
  })

  it('honours the limit, and refuses one outside 1..500 with INVALID_REQUEST', async () => {
    const one = await call(coordinator.url, 'GET', '/v1/ledger?limit=1', buyer.token)
    assert.equal(field(one.body, 'entries', '1'), undefined)
    const tooMany = await call(coordinator.url, 'GET', '/v1/ledger?limit=501', buyer.token)
    assert.equal(tooMany.status, 400)
    assert.equal(field(tooMany.body, 'error', 'code'), 'INVALID_REQUEST')
  })

  it("shows an operator its pending earnings account (empty before any usage), and nobody else's", async () => {
    const answer = await call(coordinator.url, 'GET', '/v1/ledger', operatorToken)
    assert.equal(answer.status, 200)
    assert.match(String(field(answer.body, 'ledgerAccount')), /^operator:acc_[a-z2-7]{20}:pending$/)
    assert.deepEqual(field(answer.body, 'entries'), [])
  })

  it('needs a token', async () => {
    const answer = await call(coordinator.url, 'GET', '/v1/ledger', 'msn_unknown')
    assert.equal(answer.status, 401)
  })
})
