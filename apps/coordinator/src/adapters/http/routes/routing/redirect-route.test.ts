import assert from 'node:assert/strict'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { publicKeyFromString, verifyTicket } from '@meson/protocol'
import type { TicketKeyLookup } from '@meson/protocol'
import { ensureTicketMasterKeyFile } from '../../../disk/ticket-master-key-file.ts'
import { CoordinatorTicketKeys } from '../../../../tickets/coordinator-ticket-keys.ts'
import { nodeKeyLookup } from '../../../../testing/test-ticket-keys.ts'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createStaticCountryLookup } from '../../../../routing/country-lookup.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { FakeNode, requestJson } from '../../../../testing/node-fake.ts'
import { PAYMENT_REQUIRED_MESSAGE } from './redirect-route.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'
const DOWN_AFTER_MS = 3_000
const ORIGIN_BODY = Buffer.from('the origin bytes of /img/a.png, not a node cache\n'.repeat(40))

interface Answer {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** One request; `rawPath` goes on the request line as written (a URL would normalize dot segments). */
function get(url: string, options: { readonly method?: string; readonly headers?: Record<string, string>; readonly rawPath?: string } = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const { hostname, port, pathname, search } = new URL(url)
    const target = { hostname, port, path: options.rawPath ?? `${pathname}${search}` }
    const request = httpRequest({ ...target, method: options.method ?? 'GET', headers: options.headers ?? {}, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}

function errorOf(answer: Answer): { code: unknown; message: unknown } {
  const body: unknown = JSON.parse(answer.body.toString('utf8'))
  return { code: field(body, 'error', 'code'), message: field(body, 'error', 'message') }
}

/** Retries `attempt` until `isDone` (the fleet view follows the registry within ~250 ms); bounded. */
async function until<T>(attempt: () => Promise<T>, isDone: (value: T) => boolean, what: string): Promise<T> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const value = await attempt()
    if (isDone(value)) return value
    if (Date.now() > deadline) assert.fail(`never happened: ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describe('the redirector on real sockets', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  const clock = { nowMs: Date.now() }
  let origin: Server
  let originUrl = ''
  const originRequests: string[] = []
  let operatorToken = ''
  let buyerToken = ''
  let buyerId = ''
  let coordinatorKey: ReturnType<typeof publicKeyFromString>
  /** The node keys a node receives at registration (from the coordinator's ticket key file). */
  let nodeKeys: (nodeId: string) => TicketKeyLookup
  const nodes: FakeNode[] = []

  const zoneUrl = (zone: string, pathAndQuery: string): string => `${coordinator.url}/z/${zone}${pathAndQuery}`
  const nodeOf = (answer: Answer): FakeNode | undefined => nodes.find((node) => String(answer.headers.location).startsWith(`${node.publicUrl}/`))

  async function registerNode(): Promise<FakeNode> {
    const node = await FakeNode.start()
    const answer = await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: node.signedRegistration(clock.nowMs), token: operatorToken })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
    nodes.push(node)
    return node
  }

  async function heartbeat(node: FakeNode, options: { status?: 'active' | 'draining' } = {}): Promise<void> {
    const answer = await requestJson('POST', `${coordinator.url}/v1/nodes/heartbeat`, { json: node.heartbeatBody(clock.nowMs, options) })
    assert.equal(answer.status, 200, JSON.stringify(answer.body))
  }

  async function createZone(name: string, token = buyerToken): Promise<void> {
    const answer = await requestJson('POST', `${coordinator.url}/v1/zones`, { token, json: { name, origin: originUrl } })
    assert.equal(answer.status, 201, JSON.stringify(answer.body))
  }

  async function createBuyer(name: string): Promise<{ token: string; id: string }> {
    const answer = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name, role: 'buyer' } })
    assert.equal(answer.status, 201)
    return { token: String(field(answer.body, 'token')), id: String(field(answer.body, 'account', 'id')) }
  }

  async function credit(accountId: string, amount: string): Promise<void> {
    const answer = await requestJson('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId, amount } })
    assert.equal(answer.status, 201, JSON.stringify(answer.body))
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-redirect-'))
    origin = createServer((request, response) => {
      // Doubles as every custom domain's owner: it echoes any ownership challenge token.
      const challenge = /^\/\.well-known\/meson-challenge\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')
      if (challenge !== null) {
        response.writeHead(200, { 'content-type': 'text/plain' }).end(challenge[1])
        return
      }
      originRequests.push(`${request.method ?? ''} ${request.url ?? ''}`)
      response.writeHead(200, { 'content-type': 'image/png', 'content-length': String(ORIGIN_BODY.length), 'cache-control': 'max-age=60', connection: 'keep-alive, x-hop', 'x-hop': 'drop me' })
      response.end(request.method === 'HEAD' ? undefined : ORIGIN_BODY)
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}`
    const parsed = parseConfig({
      flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN, heartbeatIntervalMs: '1000', nodeDownAfterMs: String(DOWN_AFTER_MS), allowSharedIp: true, trustProxy: true, domainVerificationBaseUrl: originUrl },
    })
    assert.ok(parsed.ok)
    // 198.51.100.7 is in France as far as this test's GeoIP knows.
    const geo = createStaticCountryLookup({ '198.51.100.7': { country: 'FR', continent: 'EU' } })
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), now: () => clock.nowMs, startFleetTimers: false, geo })
    const key = await requestJson('GET', `${coordinator.url}/v1/coordinator-key`)
    coordinatorKey = publicKeyFromString(String(field(key.body, 'publicKey')))
    const ticketKeys = new CoordinatorTicketKeys((await ensureTicketMasterKeyFile(join(dir, 'ticket-keys.json'))).keys)
    nodeKeys = (nodeId) => nodeKeyLookup(ticketKeys, nodeId)
    operatorToken = String(field((await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'op', role: 'operator' } })).body, 'token'))
    ;({ token: buyerToken, id: buyerId } = await createBuyer('buyer'))
    await credit(buyerId, '1 MSN')
    await createZone('site')
  })

  after(async () => {
    await coordinator.close()
    for (const node of nodes) await node.stop()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('serves from the origin when no node is eligible, marked as the fallback, without hop-by-hop fields or mt', async () => {
    const answer = await get(zoneUrl('site', '/img/a.png?v=1&mt=old-ticket'))
    assert.equal(answer.status, 200)
    assert.deepEqual(answer.body, ORIGIN_BODY)
    assert.equal(answer.headers['x-meson-fallback'], 'origin')
    assert.equal(answer.headers['x-hop'], undefined)
    assert.equal(answer.headers['cache-control'], 'max-age=60')
    assert.equal(originRequests.at(-1), 'GET /img/a.png?v=1')
    const head = await get(zoneUrl('site', '/img/a.png'), { method: 'HEAD' })
    assert.equal(head.status, 200)
    assert.equal(head.body.length, 0)
    assert.equal(originRequests.at(-1), 'HEAD /img/a.png')
  })

  it('answers 302 to a healthy node with a no-store ticket that verifies for that node, zone, path, client and origin', async () => {
    await registerNode()
    const answer = await until(() => get(zoneUrl('site', '/img/a.png?v=2')), (value) => value.status === 302, 'a redirect to the new node')
    assert.equal(answer.headers['cache-control'], 'no-store')
    const node = nodeOf(answer)
    assert.ok(node, String(answer.headers.location))
    const location = new URL(String(answer.headers.location))
    assert.equal(location.pathname, '/z/site/img/a.png')
    assert.equal(location.searchParams.get('v'), '2')
    assert.ok(coordinatorKey.ok)
    const verified = verifyTicket(location.searchParams.get('mt') ?? '', nodeKeys(node.nodeId), { now: clock.nowMs, nodeId: node.nodeId, zone: 'site', path: '/img/a.png', clientIp: '127.0.0.1' })
    assert.ok(verified.ok, verified.ok ? '' : verified.reason)
    assert.equal(verified.ticket.origin, originUrl)
    assert.equal(verified.ticket.byteBudget, 2n ** 30n)
    assert.equal(verified.ticket.expiresAt - verified.ticket.issuedAt, 5 * 60_000)
    const otherClient = verifyTicket(location.searchParams.get('mt') ?? '', nodeKeys(node.nodeId), { now: clock.nowMs, nodeId: node.nodeId, zone: 'site', path: '/img/a.png', clientIp: '127.0.0.2' })
    assert.equal(otherClient.ok, false)
  })

  it('binds the ticket to the last X-Forwarded-For entry only when trustProxy is on', async () => {
    const answer = await get(zoneUrl('site', '/xff.png'), { headers: { 'x-forwarded-for': '203.0.113.1, 10.1.2.3' } })
    assert.equal(answer.status, 302)
    const token = new URL(String(answer.headers.location)).searchParams.get('mt') ?? ''
    const node = nodeOf(answer)
    assert.ok(node && coordinatorKey.ok)
    assert.ok(verifyTicket(token, nodeKeys(node.nodeId), { now: clock.nowMs, nodeId: node.nodeId, zone: 'site', path: '/xff.png', clientIp: '10.1.2.3' }).ok)
  })

  it('never chooses a node that is down or draining, and falls back to the origin when none is left', async () => {
    const second = await registerNode()
    const first = nodes[0]
    const fleet = coordinator.fleet
    assert.ok(first && fleet)
    const paths = Array.from({ length: 12 }, (_, index) => `/spread/${String(index)}.png`)
    // Both nodes get objects (rendezvous hashing spreads them) once the view has the second.
    await until(
      async () => new Set(await Promise.all(paths.map(async (path) => nodeOf(await get(zoneUrl('site', path)))?.nodeId))),
      (chosen) => chosen.size === 2,
      'both nodes chosen',
    )
    await heartbeat(second, { status: 'draining' })
    // The first node stays alive; the second drains: everything goes to the first.
    await until(async () => Promise.all(paths.map(async (path) => nodeOf(await get(zoneUrl('site', path)))?.nodeId)), (chosen) => chosen.every((id) => id === first.nodeId), 'only the first node')
    clock.nowMs += DOWN_AFTER_MS
    await heartbeat(second)
    assert.deepEqual(fleet.sweep(), [first.nodeId])
    await until(async () => Promise.all(paths.map(async (path) => nodeOf(await get(zoneUrl('site', path)))?.nodeId)), (chosen) => chosen.every((id) => id === second.nodeId), 'only the second node')
    clock.nowMs += DOWN_AFTER_MS
    assert.deepEqual(fleet.sweep(), [second.nodeId])
    const fallback = await until(() => get(zoneUrl('site', '/img/a.png')), (value) => value.status === 200, 'the origin fallback')
    assert.deepEqual(fallback.body, ORIGIN_BODY)
    await heartbeat(first)
    await heartbeat(second)
    await until(() => get(zoneUrl('site', '/img/a.png')), (value) => value.status === 302, 'nodes back')
  })

  it('answers 402 with a clear body while the buyer has no credit, and 302 again after an admin credit', async () => {
    const poor = await createBuyer('poor-buyer')
    await createZone('poor', poor.token)
    const refused = await get(zoneUrl('poor', '/a.png'))
    assert.equal(refused.status, 402)
    assert.equal(refused.headers['cache-control'], 'no-store')
    assert.deepEqual(errorOf(refused), { code: 'PAYMENT_REQUIRED', message: PAYMENT_REQUIRED_MESSAGE })
    await credit(poor.id, '0.5 MSN')
    assert.equal((await get(zoneUrl('poor', '/a.png'))).status, 302)
  })

  it('answers 404 ZONE_NOT_FOUND for an unknown zone and 400 for a path a node would refuse', async () => {
    const unknown = await get(zoneUrl('no-such-zone', '/a.png'))
    assert.equal(unknown.status, 404)
    assert.equal(errorOf(unknown).code, 'ZONE_NOT_FOUND')
    const dotted = await get(coordinator.url, { rawPath: '/z/site/img/%2e%2e/secret' })
    assert.equal(dotted.status, 400)
    assert.equal(errorOf(dotted).code, 'INVALID_REQUEST')
  })

  it('routes a custom domain by Host to its zone, and leaves the coordinator\'s own host alone', async () => {
    const patched = await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { customDomains: ['cdn.example.com'] } })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    const verified = await requestJson('POST', `${coordinator.url}/v1/zones/site/domains/cdn.example.com/verify`, { token: buyerToken })
    assert.equal(verified.status, 200, JSON.stringify(verified.body))
    const answer = await get(`${coordinator.url}/img/b.png?x=1`, { headers: { host: 'CDN.example.com:8080' } })
    assert.equal(answer.status, 302)
    const location = new URL(String(answer.headers.location))
    assert.equal(`${location.pathname}?x=${location.searchParams.get('x') ?? ''}`, '/z/site/img/b.png?x=1')
    const api = await get(`${coordinator.url}/healthz`)
    assert.equal(api.status, 200)
    const post = await get(`${coordinator.url}/img/b.png`, { method: 'POST', headers: { host: 'cdn.example.com' } })
    assert.equal(post.status, 404)
  })

  it('answers 451 to a client in a blocked country and 403 to a foreign referrer', async () => {
    const patched = await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { blockedCountries: ['fr'], allowedReferrers: ['*.example.org'] } })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    const blocked = await get(zoneUrl('site', '/a.png'), { headers: { 'x-forwarded-for': '198.51.100.7' } })
    assert.equal(blocked.status, 451)
    assert.equal(errorOf(blocked).code, 'COUNTRY_BLOCKED')
    const hotlink = await get(zoneUrl('site', '/a.png'), { headers: { referer: 'https://evil.example.net/page' } })
    assert.equal(hotlink.status, 403)
    assert.equal((await get(zoneUrl('site', '/a.png'), { headers: { referer: 'https://www.example.org/page' } })).status, 302)
  })

  it('counts its answers in /metrics by method and status, and leaves other methods on /z/ to the API', async () => {
    const redirects = (text: string, labels: string): number => Number(new RegExp(`^meson_redirects_total\\{${labels}\\} (\\d+)$`, 'm').exec(text)?.[1] ?? '0')
    const before = redirects(await (await fetch(`${coordinator.url}/metrics`)).text(), 'method="GET",status_code="404"')
    assert.equal((await get(zoneUrl('no-such-zone', '/a.png'))).status, 404)
    const post = await get(zoneUrl('site', '/a.png'), { method: 'POST' })
    assert.equal(post.status, 404)
    assert.equal(errorOf(post).code, 'NOT_FOUND')
    const text = await (await fetch(`${coordinator.url}/metrics`)).text()
    assert.equal(redirects(text, 'method="GET",status_code="404"'), before + 1)
    assert.ok(redirects(text, 'method="GET",status_code="302"') > 0)
  })
})
