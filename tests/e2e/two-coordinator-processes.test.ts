/**
 * ADR 0016, "any replica checks any usage line": two coordinator **processes** (the real
 * `meson-net coordinator` bin) on one PostgreSQL database and one ticket key file. A
 * ticket tagged under the shared master secret (as either replica would issue it; neither
 * records anything) is billed by the process that receives the usage, the other caps a
 * replay at the ticket's budget, and a ticket the node minted bills nothing. Skips with a
 * message when PostgreSQL is unreachable, except in CI.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import type { ChildProcessByStdio } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { after, before, describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import pg from 'pg'
import { deriveCoordinatorTicketKey, deriveNodeTicketKey, encodeBase64Url, encodeTicket, newTicketNonce, newUsageBatchId, signEnvelope, TicketMacKey } from '@meson/protocol'
import type { Ticket } from '@meson/protocol'
import { FakeNode, IS_CI, TEST_PG_URL, whyPostgresUnreachable } from '@meson/coordinator/testing'

const BIN = fileURLToPath(new URL('../../apps/cli/bin/meson-net.ts', import.meta.url))
const ADMIN_TOKEN = 'admin-test-token-two-coordinators-0123'
const unreachable = await whyPostgresUnreachable()
if (unreachable !== undefined && IS_CI) throw new Error(`PostgreSQL is required in CI: ${unreachable}`)

type Child = ChildProcessByStdio<null, Readable, Readable>

function startCoordinatorProcess(args: readonly string[]): { child: Child; url: Promise<string> } {
  const child = spawn(process.execPath, [BIN, 'coordinator', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, MESON_LOG_LEVEL: 'warn' } })
  const url = new Promise<string>((resolve, reject) => {
    let text = ''
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString('utf8')
      const match = /coordinator listening on (http:\/\/[^\s]+)/.exec(text)
      if (match?.[1] !== undefined) resolve(match[1])
    })
    child.once('exit', (code) => reject(new Error(`coordinator exited with ${String(code)}: ${text}`)))
  })
  return { child, url }
}

async function call(base: string, method: string, path: string, options: { token?: string; json?: unknown } = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { ...(options.json === undefined ? {} : { 'content-type': 'application/json' }), ...(options.token === undefined ? {} : { authorization: `Bearer ${options.token}` }) },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  })
  const text = await response.text()
  return { status: response.status, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }
}

describe('two coordinator processes on one PostgreSQL', { skip: unreachable === undefined ? false : `PostgreSQL unreachable (${unreachable}); set CI=true to fail instead` }, () => {
  const database = `meson_i8_${randomBytes(6).toString('hex')}`
  const master = randomBytes(32)
  const children: Child[] = []
  let dataDir = ''
  let first = ''
  let second = ''

  before(async () => {
    const admin = new pg.Client({ connectionString: TEST_PG_URL })
    await admin.connect()
    await admin.query(`create database "${database}"`)
    await admin.end()
    const url = new URL(TEST_PG_URL)
    url.pathname = `/${database}`
    dataDir = await mkdtemp(join(tmpdir(), 'meson-two-coordinators-'))
    // One ticket key file for both replicas, as production requires.
    await writeFile(join(dataDir, 'ticket-keys.json'), JSON.stringify({ keys: [{ kid: 'k1', secret: encodeBase64Url(master), activeFrom: 0 }] }), { mode: 0o600 })
    const args = ['--port', '0', '--data-dir', dataDir, '--admin-token', ADMIN_TOKEN, '--db', url.href, '--allow-shared-ip']
    const a = startCoordinatorProcess(args)
    children.push(a.child)
    first = await a.url
    // The second starts after the first ran the migrations.
    const b = startCoordinatorProcess(args)
    children.push(b.child)
    second = await b.url
  })

  after(async () => {
    for (const child of children) child.kill('SIGTERM')
    await Promise.all(children.map((child) => (child.exitCode === null ? new Promise<void>((resolve) => child.once('exit', () => resolve())) : Promise.resolve())))
    const admin = new pg.Client({ connectionString: TEST_PG_URL })
    await admin.connect()
    await admin.query(`drop database if exists "${database}" with (force)`)
    await admin.end()
    await rm(dataDir, { recursive: true, force: true })
  })

  it('the replica that never issued a ticket bills its usage once; the other caps a replay; a minted ticket bills nothing', async () => {
    const buyer = await call(first, 'POST', '/v1/accounts', { token: ADMIN_TOKEN, json: { name: 'Buyer', role: 'buyer' } })
    const operator = await call(first, 'POST', '/v1/accounts', { token: ADMIN_TOKEN, json: { name: 'Operator', role: 'operator' } })
    assert.equal(buyer.status, 201)
    const buyerToken = String(buyer.body['token'])
    const buyerId = String((buyer.body['account'] as Record<string, unknown>)['id'])
    assert.equal((await call(first, 'POST', '/v1/zones', { token: buyerToken, json: { name: 'site', origin: 'https://origin.example.com', pricePerGiB: '1000000000000000' } })).status, 201)
    assert.equal((await call(first, 'POST', '/v1/admin/credits', { token: ADMIN_TOKEN, json: { accountId: buyerId, amount: '1 MSN' } })).status, 201)

    // A loopback node that answers the registration callback.
    const node = await FakeNode.start()
    const nodeKeys = node.key
    const nodeId = node.nodeId
    const now = Date.now()
    try {
      const registered = await call(first, 'POST', '/v1/nodes/register', { token: String(operator.body['token']), json: node.signedRegistration(now) })
      assert.equal(registered.status, 200, JSON.stringify(registered.body))
      assert.ok(registered.body['ticketKeys'], 'the node is delivered its ticket keys')
    } finally {
      await node.stop()
    }

    const ticket: Ticket = { v: 3, kid: 'k1', zone: 'site', path: '/a.bin', prefix: false, nodeId, client: '127.0.0.1', issuedAt: now, expiresAt: now + 300_000, byteBudget: 1000n, nonce: newTicketNonce() }
    const token = encodeTicket({ nodeKey: new TicketMacKey(deriveNodeTicketKey(master, 'k1', nodeId)), coordinatorKey: new TicketMacKey(deriveCoordinatorTicketKey(master, 'k1')) }, ticket)
    const usage = (lineToken: string, nonce: string, bytes: number): unknown =>
      signEnvelope('usage-report', nodeKeys.privateKey, { batchId: newUsageBatchId(), nodeId, createdAt: Date.now(), lines: [{ ticketId: nonce, zone: 'site', bytes: String(bytes), ticket: lineToken }] })

    const atSecond = await call(second, 'POST', '/v1/nodes/usage', { json: usage(token, ticket.nonce, 600) })
    assert.equal(atSecond.status, 200, JSON.stringify(atSecond.body))
    assert.equal(atSecond.body['acceptedBytes'], '600')
    const replayAtFirst = await call(first, 'POST', '/v1/nodes/usage', { json: usage(token, ticket.nonce, 600) })
    assert.equal(replayAtFirst.body['acceptedBytes'], '400')
    assert.deepEqual((replayAtFirst.body['rejected'] as { reason: string }[]).map((line) => line.reason), ['over-budget'])

    // The node knows its node key and tags its own ticket; the coordinator tag it can only fake.
    const nodeKey = new TicketMacKey(deriveNodeTicketKey(master, 'k1', nodeId))
    const minted: Ticket = { ...ticket, nonce: newTicketNonce(), byteBudget: 10n ** 12n }
    const mintedToken = encodeTicket({ nodeKey, coordinatorKey: nodeKey }, minted)
    const refused = await call(second, 'POST', '/v1/nodes/usage', { json: usage(mintedToken, minted.nonce, 10 ** 9) })
    assert.equal(refused.body['acceptedBytes'], '0')
    assert.deepEqual((refused.body['rejected'] as { reason: string }[]).map((line) => line.reason), ['forged-ticket'])
  })
})
