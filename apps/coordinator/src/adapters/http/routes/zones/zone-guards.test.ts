/**
 * Issue #9, tenants and money, on real sockets: zone prices within the network's
 * bounds; origins that point at the coordinator or a node refused; a request that
 * already went through the network refused as a loop; the coordinator's own names never
 * a custom domain; a custom domain served only after its owner proves control with an
 * HTTP challenge (fetched from a loopback server through `domainVerificationBaseUrl`).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer, request as httpRequest } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../../../config/parse-config.ts'
import { startCoordinator } from '../../../../main.ts'
import type { RunningCoordinator } from '../../../../main.ts'
import { createStaticCountryLookup } from '../../../../routing/country-lookup.ts'
import { createLogger } from '../../../log/create-logger.ts'
import { readJsonField as field } from '../../../../testing/read-json-field.ts'
import { FakeNode, requestJson } from '../../../../testing/node-fake.ts'

const ADMIN_TOKEN = 'admin-test-token-zone-guards-0123'

function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { headers, agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }))
    })
    request.on('error', reject)
    request.end()
  })
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return `http://127.0.0.1:${String((server.address() as AddressInfo).port)}`
}

describe('zone guards on a real coordinator', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let origin: Server
  let originUrl = ''
  let challengeServer: Server
  /** What the "domain" answers at /.well-known/meson-challenge/<token>, by Host. */
  const challengeAnswers = new Map<string, string>()
  let buyerToken = ''
  let nodeUrl = ''

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-zone-guards-'))
    origin = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain', 'content-length': '6' })
      response.end('origin')
    })
    originUrl = await listen(origin)
    challengeServer = createServer((request, response) => {
      const answer = challengeAnswers.get(String(request.headers.host))
      if (answer === undefined || !(request.url ?? '').startsWith('/.well-known/meson-challenge/')) {
        response.writeHead(404).end()
        return
      }
      response.writeHead(200, { 'content-type': 'text/plain' }).end(answer)
    })
    const challengeUrl = await listen(challengeServer)
    const parsed = parseConfig({
      flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN, allowSharedIp: true, publicUrl: 'https://coordinator.meson.test', domainVerificationBaseUrl: challengeUrl, minPricePerGiB: '0.001 MSN', maxPricePerGiB: '100 MSN' },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), startFleetTimers: false, geo: createStaticCountryLookup({}) })
    const buyer = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'buyer', role: 'buyer' } })
    buyerToken = String(field(buyer.body, 'token'))
    const buyerId = String(field(buyer.body, 'account', 'id'))
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: buyerId, amount: '1 MSN' } })).status, 201)
    const operator = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'op', role: 'operator' } })
    const fake = await FakeNode.start()
    nodeUrl = fake.publicUrl
    const registered = await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: fake.signedRegistration(Date.now()), token: String(field(operator.body, 'token')) })
    assert.equal(registered.status, 200, JSON.stringify(registered.body))
    // Registered and active (the sweep is off in this test): zone requests redirect to it.
    await fake.stop()
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'site', origin: originUrl } })).status, 201)
  })

  after(async () => {
    await coordinator.close()
    for (const server of [origin, challengeServer]) await new Promise<void>((resolve) => server.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('refuses a zone price below the network floor or above its ceiling, on create and on PATCH', async () => {
    for (const pricePerGiB of ['1', '0.0009 MSN', '101 MSN']) {
      const created = await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'cheap', origin: originUrl, pricePerGiB } })
      assert.equal(created.status, 400, pricePerGiB)
      assert.equal(field(created.body, 'error', 'code'), 'PRICE_OUT_OF_RANGE')
      const patched = await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { pricePerGiB } })
      assert.equal(patched.status, 400, pricePerGiB)
      assert.equal(field(patched.body, 'error', 'code'), 'PRICE_OUT_OF_RANGE')
    }
    assert.equal((await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { pricePerGiB: '0.001 MSN' } })).status, 200)
  })

  it('refuses an origin that points at the coordinator (any of its names) or at a node of the network', async () => {
    const port = new URL(coordinator.url).port
    for (const candidate of [`${coordinator.url}/z/site`, `http://localhost:${port}/`, `http://[::1]:${port}`, 'https://coordinator.meson.test/z/site', `${nodeUrl}/z/site`]) {
      const created = await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'loop', origin: candidate } })
      assert.equal(created.status, 422, candidate)
      assert.equal(field(created.body, 'error', 'code'), 'ORIGIN_NOT_ALLOWED')
    }
  })

  it('answers 508 LOOP_DETECTED to a zone request that already passed through the network, without calling the origin', async () => {
    const looped = await get(`${coordinator.url}/z/site/a.txt`, { via: '1.1 proxy.example, 1.1 meson' })
    assert.equal(looped.status, 508)
    assert.equal(field(JSON.parse(looped.body), 'error', 'code'), 'LOOP_DETECTED')
    const fresh = await get(`${coordinator.url}/z/site/a.txt`, { via: '1.1 proxy.example' })
    assert.equal(fresh.status, 302)
  })

  it('never lets a buyer claim one of the coordinator\'s own names as a custom domain', async () => {
    for (const domain of ['coordinator.meson.test', 'api.localhost']) {
      const patched = await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { customDomains: [domain] } })
      assert.equal(patched.status, 422, domain)
      assert.equal(field(patched.body, 'error', 'code'), 'CUSTOM_DOMAIN_NOT_ALLOWED')
    }
    const health = await get(`${coordinator.url}/healthz`, { host: 'coordinator.meson.test' })
    assert.equal(health.status, 200)
  })

  it('serves a custom domain only after its owner serves the challenge token on it', async () => {
    const patched = await requestJson('PATCH', `${coordinator.url}/v1/zones/site`, { token: buyerToken, json: { customDomains: ['cdn.buyer.test'] } })
    assert.equal(patched.status, 200, JSON.stringify(patched.body))
    const before = await get(`${coordinator.url}/a.txt`, { host: 'cdn.buyer.test' })
    assert.equal(before.status, 404, 'an unproven domain does not route to the zone')

    const listed = await requestJson('GET', `${coordinator.url}/v1/zones/site/domains`, { token: buyerToken })
    assert.equal(listed.status, 200, JSON.stringify(listed.body))
    const domains = field(listed.body, 'domains')
    assert.ok(Array.isArray(domains) && domains.length === 1)
    const [domain] = domains as unknown[]
    const token = String(field(domain, 'challenge', 'token'))
    assert.equal(field(domain, 'verified'), false)
    assert.equal(field(domain, 'challenge', 'url'), `http://cdn.buyer.test/.well-known/meson-challenge/${token}`)

    challengeAnswers.set('cdn.buyer.test', 'not-the-token')
    const refused = await requestJson('POST', `${coordinator.url}/v1/zones/site/domains/cdn.buyer.test/verify`, { token: buyerToken })
    assert.equal(refused.status, 409)
    assert.equal(field(refused.body, 'error', 'code'), 'CUSTOM_DOMAIN_UNVERIFIED')
    assert.equal((await get(`${coordinator.url}/a.txt`, { host: 'cdn.buyer.test' })).status, 404)

    challengeAnswers.set('cdn.buyer.test', `${token}\n`)
    const verified = await requestJson('POST', `${coordinator.url}/v1/zones/site/domains/cdn.buyer.test/verify`, { token: buyerToken })
    assert.equal(verified.status, 200, JSON.stringify(verified.body))
    const served = await get(`${coordinator.url}/a.txt`, { host: 'cdn.buyer.test' })
    assert.equal(served.status, 302)
    assert.equal(new URL(String(served.headers.location)).pathname, '/z/site/a.txt')
  })
})
