/**
 * Issue #9, processes that fall over, on real sockets: the coordinator's one server
 * (API, redirector, origin fallback) takes a few thousand odd request lines and headers
 * and still answers /healthz, with no stack trace in any response; a request followed by
 * a half-close still gets its answer; an origin with a bad status line or a broken
 * chunked body gets the client a 502; slow headers are cut off after headersTimeoutMs.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer as createHttpServer, request as httpRequest } from 'node:http'
import type { Server as HttpServer } from 'node:http'
import { connect, createServer as createTcpServer } from 'node:net'
import type { AddressInfo, Server as TcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { parseConfig } from '../../config/parse-config.ts'
import { startCoordinator } from '../../main.ts'
import type { RunningCoordinator } from '../../main.ts'
import { createStaticCountryLookup } from '../../routing/country-lookup.ts'
import { buildFuzzRequests, exchangeRaw, fuzzServer, leaksStackTrace } from '../../testing/http-fuzz.ts'
import { createLogger } from '../log/create-logger.ts'
import { readJsonField as field } from '../../testing/read-json-field.ts'
import { FakeNode, requestJson } from '../../testing/node-fake.ts'

const ADMIN_TOKEN = 'admin-test-token-hostile-0123456789'

/** Origins that misbehave at the HTTP level, by path: a raw TCP server, so it can say anything. */
function startBrokenOrigin(): Promise<TcpServer> {
  const server = createTcpServer((socket) => {
    socket.once('data', (chunk: Buffer) => {
      const line = chunk.toString('latin1').split('\r\n')[0] ?? ''
      if (line.includes('/bad-status')) socket.end('HTTP/1.1 2OO NOT OK\r\n\r\n')
      else if (line.includes('/broken-chunked')) socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\nnot hex\r\n')
      else if (line.includes('/garbage')) socket.end('\u0000\u0001garbage\r\n\r\n')
      else socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok')
    })
    socket.on('error', () => socket.destroy())
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

function status(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { agent: false }, (response) => {
      const chunks: Buffer[] = []
      response.on('data', (chunk: Buffer) => chunks.push(chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }))
      response.on('error', reject)
    })
    request.on('error', reject)
    request.end()
  })
}

describe('the coordinator under hostile requests', () => {
  let dir = ''
  let coordinator: RunningCoordinator
  let port = 0
  let origin: HttpServer
  let brokenOrigin: TcpServer
  let buyerToken = ''
  let operatorToken = ''

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-hostile-'))
    origin = createHttpServer((request, response) => {
      const challenge = /^\/\.well-known\/meson-challenge\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '')
      response.writeHead(200, { 'content-type': 'text/plain' }).end(challenge?.[1] ?? 'origin')
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    const originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}`
    brokenOrigin = await startBrokenOrigin()
    const brokenUrl = `http://127.0.0.1:${String((brokenOrigin.address() as AddressInfo).port)}`
    const parsed = parseConfig({ flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN, allowSharedIp: true, headersTimeoutMs: '1000', originFallbackTimeoutMs: '2000', domainVerificationBaseUrl: originUrl } })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), startFleetTimers: false, geo: createStaticCountryLookup({}) })
    port = Number(new URL(coordinator.url).port)
    const buyer = await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'buyer', role: 'buyer' } })
    buyerToken = String(field(buyer.body, 'token'))
    await requestJson('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: String(field(buyer.body, 'account', 'id')), amount: '1 MSN' } })
    operatorToken = String(field((await requestJson('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'op', role: 'operator' } })).body, 'token'))
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'demo', origin: originUrl } })).status, 201)
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'broken', origin: brokenUrl } })).status, 201)
    assert.equal((await requestJson('PATCH', `${coordinator.url}/v1/zones/demo`, { token: buyerToken, json: { customDomains: ['cdn.example.com'] } })).status, 200)
    assert.equal((await requestJson('POST', `${coordinator.url}/v1/zones/demo/domains/cdn.example.com/verify`, { token: buyerToken })).status, 200)
  })

  after(async () => {
    await coordinator.close()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
    await new Promise<void>((resolve) => brokenOrigin.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('answers a request followed by a half-close (shutdown SHUT_WR)', async () => {
    const exchange = await exchangeRaw(port, 'GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n')
    assert.match(exchange.response, /^HTTP\/1\.1 200 /)
  })

  it('answers 502 (not 500, not a dropped socket) when the origin sends a bad status line, garbage, or a broken chunked body', async () => {
    for (const path of ['/bad-status', '/garbage', '/broken-chunked']) {
      const answer = await status(`${coordinator.url}/z/broken${path}`)
      assert.equal(answer.status, 502, `${path}: ${answer.body}`)
      assert.equal(field(JSON.parse(answer.body), 'error', 'code'), 'ORIGIN_UNREACHABLE')
    }
    assert.equal((await status(`${coordinator.url}/z/broken/fine`)).status, 200)
  })

  it('cuts off a client that sends its headers too slowly, after headersTimeoutMs (configurable)', async () => {
    // Half the headers, then silence: the server must close the socket (408) by itself.
    const exchange = await new Promise<string>((resolve) => {
      const connection = connect({ host: '127.0.0.1', port })
      const chunks: Buffer[] = []
      connection.write('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n')
      connection.on('data', (chunk: Buffer) => chunks.push(chunk))
      connection.on('close', () => resolve(Buffer.concat(chunks).toString('latin1')))
      connection.on('error', () => resolve(Buffer.concat(chunks).toString('latin1')))
      // A bound far above 1 s + the 1 s check: with Node's defaults (60 s + 30 s checks) it would not close.
      setTimeout(() => {
        connection.destroy()
        resolve('still open')
      }, 15_000).unref()
    })
    assert.notEqual(exchange, 'still open')
    assert.ok(exchange === '' || exchange.startsWith('HTTP/1.1 408'), exchange)
  })

  for (const [round, withNode] of [[1, false], [2, true]] as const) {
    it(`survives ${String(1500)} odd requests (round ${String(round)}: ${withNode ? 'a node takes zone requests' : 'zone requests fall back to the origin'}): /healthz answers, no stack trace`, async () => {
      if (withNode) {
        const node = await FakeNode.start()
        assert.equal((await requestJson('POST', `${coordinator.url}/v1/nodes/register`, { json: node.signedRegistration(Date.now()), token: operatorToken })).status, 200)
        await node.stop()
      }
      const exchanges = await fuzzServer(port, buildFuzzRequests(1500, 0x5eed + round))
      const leaking = exchanges.filter((exchange) => leaksStackTrace(exchange.response))
      assert.deepEqual(leaking.slice(0, 3), [])
      const failures = exchanges.filter((exchange) => /^HTTP\/1\.[01] 500 /m.test(exchange.response))
      assert.deepEqual(failures.slice(0, 3).map((exchange) => exchange.request.slice(0, 200)), [], 'no request makes the server fail')
      assert.ok(exchanges.filter((exchange) => exchange.response.startsWith('HTTP/1.1 ')).length > 500, 'most odd requests get an HTTP answer')
      const health = await status(`${coordinator.url}/healthz`)
      assert.equal(health.status, 200)
    })
  }
})
