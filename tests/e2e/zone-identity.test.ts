/**
 * Issue #9, tenants and money: a zone name taken again after a delete is another zone.
 * Real coordinator (SQLite), one real node, two real origins, on loopback: buyer A's zone
 * `x` is cached on the node, A deletes it, buyer B creates `x` on another origin. The
 * node must serve B's origin (never A's cached object), the delete must purge A's
 * objects fleet-wide, and usage on A's old tickets must never be billed to B; what the
 * coordinator learned of A's object sizes must not size B's tickets.
 */
import assert from 'node:assert/strict'
import { createPrivateKey } from 'node:crypto'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { newUsageBatchId, signEnvelope } from '@meson/protocol'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { loadNodeModeConfig, startCoordinatorNode } from '@meson/node'
import type { RunningCoordinatorNode } from '@meson/node'
import { readJsonField as field } from '@meson/coordinator/testing'
import { zoneCacheKey } from '@meson/node/testing'
import { api, fetchRaw, until } from './e2e-http.ts'

const ADMIN_TOKEN = 'e2e-admin-token-zone-identity-0123'
const PRICE_PER_GIB = 2n ** 30n * 10n ** 9n

async function startOrigin(body: string): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    response.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(body.length), 'cache-control': 'public, max-age=3600' })
    response.end(request.method === 'HEAD' ? undefined : body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, url: `http://127.0.0.1:${String((server.address() as AddressInfo).port)}` }
}

describe('a zone name reused after a delete is a new zone', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let node: RunningCoordinatorNode
  let originA: { server: Server; url: string }
  let originB: { server: Server; url: string }
  const buyers = { a: { id: '', token: '' }, b: { id: '', token: '' } }

  async function buyer(name: string): Promise<{ id: string; token: string }> {
    const created = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name, role: 'buyer' } })
    const id = String(field(created.body, 'account', 'id'))
    assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: id, amount: '10 MSN' } })).status, 201)
    return { id, token: String(field(created.body, 'token')) }
  }

  async function throughCdn(path: string): Promise<{ body: string; ticketNonce: string; token: string; zoneId: string }> {
    const redirect = await until(() => fetchRaw(`${coordinator.url}/z/x${path}`), (answer) => answer.status === 302, 'a redirect to the node')
    const location = new URL(String(redirect.headers.location))
    const token = location.searchParams.get('mt') ?? ''
    const ticket: unknown = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8'))
    const answer = await fetchRaw(location.href)
    assert.equal(answer.status, 200)
    return { body: answer.body.toString('utf8'), ticketNonce: String(field(ticket, 'nonce')), token, zoneId: String(field(ticket, 'zoneId')) }
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-zone-identity-'))
    originA = await startOrigin('object of buyer A')
    originB = await startOrigin('object of buyer B')
    const parsed = parseConfig({ flags: { port: '0', dataDir: join(dir, 'coordinator'), adminToken: ADMIN_TOKEN, allowSharedIp: true, heartbeatIntervalMs: '1000', usageFlushMs: '50', logLevel: 'silent' } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }) })
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'operator', role: 'operator' } })
    buyers.a = await buyer('buyer-a')
    buyers.b = await buyer('buyer-b')
    const loaded = loadNodeModeConfig({
      env: {},
      flags: { coordinatorUrl: coordinator.url, operatorToken: String(field(operator.body, 'token')), host: '127.0.0.1', port: '0', dataDir: join(dir, 'node'), heartbeatIntervalMs: '1000', usageFlushIntervalMs: '3600000', shutdownGraceMs: '2000' },
    })
    assert.equal(loaded.mode, 'coordinator')
    node = await startCoordinatorNode(loaded.config)
    const outcome = await node.registered
    assert.ok(outcome.ok)
  })

  after(async () => {
    await node.stop()
    await coordinator.close()
    for (const origin of [originA, originB]) await new Promise<void>((resolve) => origin.server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('never serves the deleted zone\'s cached objects, purges them fleet-wide, and never bills its tickets to the new owner', async () => {
    assert.equal((await api('POST', `${coordinator.url}/v1/zones`, { token: buyers.a.token, json: { name: 'x', origin: originA.url, pricePerGiB: String(PRICE_PER_GIB) } })).status, 201)
    const first = await throughCdn('/object.txt')
    assert.equal(first.body, 'object of buyer A')
    assert.match(first.zoneId, /^zon_/, 'tickets carry the zone id')
    // Cached under A's zone id, not under the name.
    // (The node may index the object just after the client has its last byte.)
    await until(() => Promise.resolve(node.store.lookup(zoneCacheKey(first.zoneId, '/object.txt')).length), (count) => count === 1, 'the object stored under the zone id')
    assert.equal(node.store.lookup(zoneCacheKey('x', '/object.txt')).length, 0)
    const unusedTicketOfA = first.ticketNonce
    // What the coordinator learned of A's object sizes must not judge B's objects.
    coordinator.metering.objectBudgets.record('x', '/object.txt', 17n)

    assert.equal((await api('DELETE', `${coordinator.url}/v1/zones/x`, { token: buyers.a.token })).status, 204)
    assert.equal(coordinator.metering.objectBudgets.perResponseBytes('x', '/object.txt'), undefined, 'the deleted zone\'s object budgets are forgotten')
    await until(() => Promise.resolve(node.store.lookup(zoneCacheKey(first.zoneId, '/object.txt')).length), (count) => count === 0, 'the delete purging the node')

    assert.equal((await api('POST', `${coordinator.url}/v1/zones`, { token: buyers.b.token, json: { name: 'x', origin: originB.url, pricePerGiB: String(PRICE_PER_GIB) } })).status, 201)
    const second = await throughCdn('/object.txt')
    assert.equal(second.body, 'object of buyer B')
    assert.notEqual(second.zoneId, first.zoneId, 'a new zone gets a new id')

    // The node reports usage on A's ticket after the name went to B: B pays nothing.
    const balanceOfB = await coordinator.store.getBalance(`buyer:${buyers.b.id}`)
    const key = createPrivateKey(await readFile(join(dir, 'node', 'node-key.pem'), 'utf8'))
    const report = signEnvelope('usage-report', key, { batchId: newUsageBatchId(), nodeId: node.nodeId, createdAt: Date.now(), lines: [{ ticketId: unusedTicketOfA, zone: 'x', bytes: '1000000', ticket: first.token }] })
    const applied = await api('POST', `${coordinator.url}/v1/nodes/usage`, { json: report })
    assert.equal(applied.status, 200, JSON.stringify(applied.body))
    assert.equal(field(applied.body, 'acceptedBytes'), '0')
    assert.equal(await coordinator.store.getBalance(`buyer:${buyers.b.id}`), balanceOfB)
  })
})
