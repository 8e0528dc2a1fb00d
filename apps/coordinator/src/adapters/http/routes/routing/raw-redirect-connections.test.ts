import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { connect } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import { createStaticCountryLookup } from '../../../../routing/country-lookup.ts'
import { buildFleetView } from '../../../../routing/fleet-view.ts'
import type { FleetView } from '../../../../routing/fleet-view.ts'
import { ZoneDirectory } from '../../../../routing/zone-directory.ts'
import type { ZoneEntry } from '../../../../routing/zone-directory.ts'
import { testNode } from '../../../../testing/test-fleet.ts'
import { testTicketKeys } from '../../../../testing/test-ticket-keys.ts'
import { issueTicket } from '../../../../tickets/issue-ticket.ts'
import { createOriginAgents } from './fetch-from-origin.ts'
import type { OriginAgents } from './fetch-from-origin.ts'
import { installRawRedirectConnections } from './raw-redirect-connections.ts'
import type { RawRedirectConnections } from './raw-redirect-connections.ts'
import { createRedirector } from './redirect-route.ts'

const NOW = 1_700_000_000_000
const ticketKeys = testTicketKeys()
const site: ZoneEntry = {
  name: 'site',
  origin: 'http://127.0.0.1:9',
  pricePerGiB: 1n,
  accountId: 'acc_aaaaaaaaaaaaaaaaaaaa' as AccountId,
  hasBalance: true,
  customDomains: ['cdn.example.com'],
  allowedReferrers: ['good.example'],
}
const other: ZoneEntry = { ...site, name: 'other', customDomains: [], allowedReferrers: [] }
const nodes = [testNode('a', { publicUrl: 'http://203.0.113.10:8080' }), testNode('b', { publicUrl: 'http://203.0.113.11:8080' })]

/** One side of the comparison: the same redirector, with or without the raw path in front. */
interface Side {
  readonly server: Server
  readonly url: string
  readonly raw: RawRedirectConnections | undefined
  /** Redirects the raw path answered itself. */
  rawAnswers: number
  /** The snapshots both faces read; a test swaps them as the zone store and fleet would. */
  zones: ZoneDirectory
  fleet: FleetView
}

async function startSide(isRaw: boolean, originAgents: OriginAgents): Promise<Side> {
  let nonce = 0
  const redirector = createRedirector({
    fleetView: () => side.fleet,
    zones: () => side.zones,
    geo: createStaticCountryLookup({}),
    signTicket: (claims) => issueTicket(ticketKeys, claims),
    now: () => NOW,
    ticketTtlMs: 600_000,
    ticketByteBudget: 1n << 30n,
    trustProxy: false,
    originTimeoutMs: 2_000,
    originAgents,
    ownHosts: new Set(['localhost', '127.0.0.1']),
    countRedirect: () => undefined,
    // Deterministic nonces: both sides sign the same tickets for the same request sequence.
    newNonce: () => `tn_${String(nonce++).padStart(20, 'a')}`,
  })
  const server = createServer((request, response) => {
    const taken = redirector.handle(request, response)
    if (taken === undefined) response.writeHead(404, { 'content-length': '3' }).end('api')
  })
  server.keepAliveTimeout = 72_000
  const rawRedirect = redirector.rawRedirect
  const raw = isRaw
    ? installRawRedirectConnections(server, {
        rawRedirect: (head, peer) => {
          const location = rawRedirect(head, peer)
          if (location !== undefined) side.rawAnswers++
          return location
        },
        onUnexpectedError: (error) => assert.fail(String(error)),
      })
    : undefined
  const side: Side = { server, url: '', raw, rawAnswers: 0, zones: new ZoneDirectory([site, other]), fleet: buildFleetView(nodes) }
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return Object.assign(side, { url: `127.0.0.1:${String((server.address() as AddressInfo).port)}` })
}

function open(address: string): Promise<Socket> {
  const [host = '', port = ''] = address.split(':')
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), host, () => resolve(socket))
    socket.once('error', reject)
  })
}

function readUntilClosed(socket: Socket): Promise<string> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => undefined)
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1'))))
}

/** Sends `payload` in one write, half-closes, and returns all that came back. */
async function exchange(address: string, payload: string): Promise<string> {
  const socket = await open(address)
  const received = readUntilClosed(socket)
  socket.end(payload, 'latin1')
  return received
}

/** The real-time Date is the one part two servers may disagree on. */
function withoutDate(text: string): string {
  return text.replace(/\r\nDate: [^\r]*/g, '\r\nDate: <now>')
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []
}

describe('the raw redirect path', () => {
  let originAgents: OriginAgents
  let raw: Side
  let plain: Side

  before(async () => {
    originAgents = createOriginAgents()
    raw = await startSide(true, originAgents)
    plain = await startSide(false, originAgents)
  })
  after(async () => {
    for (const side of [raw, plain]) {
      side.raw?.closeAll()
      side.server.closeAllConnections()
      await new Promise((resolve) => side.server.close(resolve))
    }
    originAgents.destroy()
  })

  /** Same payload to both sides; returns the raw side's answer after checking both are identical. */
  async function compare(payload: string): Promise<string> {
    const rawText = await exchange(raw.url, payload)
    const plainText = await exchange(plain.url, payload)
    assert.ok(rawText.length > 0, 'an answer')
    assert.equal(withoutDate(rawText), withoutDate(plainText))
    return rawText
  }

  describe('sends exactly the bytes node:http sends, ticket included', () => {
    const cases: ReadonlyArray<readonly [string, string, number]> = [
      ['a keep-alive GET', 'GET /z/site/a.png HTTP/1.1\r\nHost: localhost\r\nUser-Agent: t\r\nAccept: */*\r\n\r\n', 1],
      ['a HEAD', 'HEAD /z/site/a.png HTTP/1.1\r\nHost: localhost\r\n\r\n', 1],
      ['a GET with Connection: close', 'GET /z/site/a.png HTTP/1.1\r\nHost: localhost\r\nConnection: Close\r\n\r\n', 1],
      ['a query with an old mt', 'GET /z/site/v.js?v=2&mt=old HTTP/1.1\r\nHost: localhost\r\n\r\n', 1],
      ['a custom domain host with a port and padding', 'GET /img/b.png HTTP/1.1\r\nHost:   CDN.example.com:80  \r\n\r\n', 1],
      ['an allowed referrer', 'GET /z/site/a.png HTTP/1.1\r\nHost: localhost\r\nReferer: https://good.example/page \r\n\r\n', 1],
      ['an X-Forwarded-For not trusted', 'GET /z/site/a.png HTTP/1.1\r\nHost: localhost\r\nX-Forwarded-For: 198.51.100.9\r\n\r\n', 1],
      ['three pipelined redirects', 'GET /z/site/1 HTTP/1.1\r\nHost: x\r\n\r\nHEAD /z/other/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /z/site/3 HTTP/1.1\r\nHost: x\r\n\r\n', 3],
      ['redirect, unknown zone, redirect', 'GET /z/site/1 HTTP/1.1\r\nHost: x\r\n\r\nGET /z/nope/2 HTTP/1.1\r\nHost: x\r\n\r\nGET /z/site/3 HTTP/1.1\r\nHost: x\r\n\r\n', 1],
    ]
    for (const [name, payload, rawCount] of cases) {
      it(name, async () => {
        const answeredBefore = raw.rawAnswers
        const text = await compare(payload)
        assert.equal(raw.rawAnswers - answeredBefore, rawCount, 'answered on the raw path')
        assert.match(text, /location: http:\/\/203\.0\.113\.1[01]:8080\/[^\r]*mt=/)
      })
    }
  })

  describe('leaves every other answer to node:http, byte for byte', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['an unknown zone', 'GET /z/nope/a HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['a dot segment', 'GET /z/site/../a HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['a refused referrer', 'GET /z/site/a HTTP/1.1\r\nHost: localhost\r\nReferer: https://evil.example/\r\n\r\n'],
      ['a loop (Via: 1.1 meson)', 'GET /z/site/a HTTP/1.1\r\nHost: localhost\r\nVia: 1.1 meson\r\n\r\n'],
      ['an API path', 'GET /v1/zones HTTP/1.1\r\nHost: localhost\r\n\r\n'],
      ['a POST to a zone', 'POST /z/site/a HTTP/1.1\r\nHost: localhost\r\nContent-Length: 0\r\n\r\n'],
      ['CL + TE smuggling', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /z/site/smuggled HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['TE: chunked on a GET', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
      ['a body behind Content-Length', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'],
      ['duplicate Content-Length', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello'],
      ['obs-fold', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Transfer-Encoding: chunked\r\n\r\n'],
      ['bare LF', 'GET /z/site/a HTTP/1.1\nHost: x\n\n'],
      ['a NUL byte', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n'],
      ['a space before the colon', 'GET /z/site/a HTTP/1.1\r\nHost : x\r\n\r\n'],
      ['absolute-form', 'GET http://x/z/site/a HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['HTTP/1.0', 'GET /z/site/a HTTP/1.0\r\n\r\n'],
      ['no Host', 'GET /z/site/a HTTP/1.1\r\n\r\n'],
      ['two Hosts', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nHost: cdn.example.com\r\n\r\n'],
      ['an unknown Connection option', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Upgrade\r\nUpgrade: websocket\r\n\r\n'],
      ['a request after Connection: close', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /z/site/after-close HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a partial head at EOF', 'GET /z/site/a HTTP/1.1\r\nHost: x\r\nX-Cut: y'],
      ['a very long field', `GET /z/site/a HTTP/1.1\r\nHost: x\r\nX-Long: ${'l'.repeat(20 * 1024)}\r\n\r\n`],
    ]
    for (const [name, payload] of cases) {
      it(name, async () => {
        const text = await compare(payload)
        assert.ok(statusLines(text).length > 0)
      })
    }
  })

  it('answers a redirect, then refuses the smuggling request after it as node:http does', async () => {
    const payload = 'GET /z/site/a HTTP/1.1\r\nHost: x\r\n\r\nGET /z/site/b HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX'
    const rawText = await exchange(raw.url, payload)
    const plainText = await exchange(plain.url, payload)
    // node:http, reading both heads in one parse, closes without a word once the first
    // answer is out; after the hand-over it parses the second alone and answers 400. Either
    // way the first answer is the same and the smuggled request is never served.
    const firstEnd = plainText.indexOf('\r\n\r\n') + 4
    assert.equal(withoutDate(rawText.slice(0, firstEnd)), withoutDate(plainText))
    assert.deepEqual(statusLines(plainText), ['HTTP/1.1 302 Found'])
    assert.deepEqual(statusLines(rawText), ['HTTP/1.1 302 Found', 'HTTP/1.1 400 Bad Request'])
  })

  it('answers a request split across packets (on node:http, from the first piece on)', async () => {
    const socket = await open(raw.url)
    socket.setNoDelay(true)
    const received = readUntilClosed(socket)
    for (const piece of ['GET /z/site/a HTTP/1.1\r\nHo', 'st: x\r\n', '\r\n']) {
      socket.write(piece)
      await new Promise((resolve) => setTimeout(resolve, 20))
    }
    socket.end()
    assert.deepEqual(statusLines(await received), ['HTTP/1.1 302 Found'])
  })

  it('sees a zone deleted, a zone created and a node going down at the next request on an open connection', async () => {
    const socket = await open(raw.url)
    const answers: string[] = []
    let buffered = ''
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('latin1')
      const end = buffered.indexOf('\r\n\r\n')
      if (end !== -1) {
        answers.push(buffered.slice(0, end))
        buffered = buffered.slice(end + 4)
      }
    })
    const ask = async (path: string): Promise<string> => {
      const count = answers.length
      socket.write(`GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`)
      while (answers.length === count) await new Promise((resolve) => setImmediate(resolve))
      return answers[count] ?? ''
    }
    const answeredBefore = raw.rawAnswers
    const first = await ask('/z/site/keep.bin')
    assert.match(first, /^HTTP\/1\.1 302 Found/)
    const chosen = /location: (http:\/\/[^/]+)/.exec(first)?.[1]
    // That node goes down: the next answer on the same connection names the other one.
    raw.fleet = buildFleetView(nodes.map((node) => (chosen?.endsWith(new URL(node.publicUrl).host) === true ? { ...node, healthy: false } : node)))
    const second = await ask('/z/site/keep.bin')
    assert.match(second, /^HTTP\/1\.1 302 Found/)
    assert.notEqual(/location: (http:\/\/[^/]+)/.exec(second)?.[1], chosen)
    // A zone created answers at once.
    raw.zones = new ZoneDirectory([site, other, { ...other, name: 'fresh' }])
    assert.match(await ask('/z/fresh/x'), /^HTTP\/1\.1 302 Found/)
    assert.equal(raw.rawAnswers - answeredBefore, 3, 'all three on the raw path')
    // A zone deleted is 404 at once (node:http answers the refusal).
    raw.zones = new ZoneDirectory([other])
    assert.match(await ask('/z/site/keep.bin'), /^HTTP\/1\.1 404 Not Found/)
    socket.destroy()
    raw.fleet = buildFleetView(nodes)
    raw.zones = new ZoneDirectory([site, other])
  })

  it('never names a node removed from the fleet, on any path, from the next request on (caches included)', async () => {
    const ask = async (path: string): Promise<string> => /location: (http:\/\/[^/]+)/.exec(await exchange(raw.url, `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`))?.[1] ?? ''
    const paths = Array.from({ length: 24 }, (_, index) => `/z/site/o${String(index)}.bin`)
    // Warm every per-client and per-node cache with both nodes in the fleet.
    const before = new Set<string>()
    for (const path of paths) before.add(await ask(path))
    assert.equal(before.size, 2, 'both nodes are chosen for some path')
    const [kept, removed] = nodes
    assert.ok(kept && removed)
    raw.fleet = buildFleetView([kept])
    try {
      for (const path of paths) assert.equal(await ask(path), `http://${new URL(kept.publicUrl).host}`, path)
    } finally {
      raw.fleet = buildFleetView(nodes)
    }
  })

  it('hands a client that never reads its answers to node:http (backpressure), then serves it all', async () => {
    const socket = await open(raw.url)
    socket.pause()
    const count = 4000
    const request = 'GET /z/site/p HTTP/1.1\r\nHost: x\r\n\r\n'
    for (let index = 0; index < count; index += 500) socket.write(request.repeat(500))
    let received = ''
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')))
    socket.resume()
    while (statusLines(received).length < count) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(statusLines(received).length, count)
    socket.destroy()
  })

  it('closes its idle connections at closeAll (the server then closes)', async () => {
    const socket = await open(raw.url)
    const closed = readUntilClosed(socket)
    socket.write('GET /z/site/a HTTP/1.1\r\nHost: x\r\n\r\n')
    while (socket.bytesRead === 0) await new Promise((resolve) => setImmediate(resolve))
    assert.ok((raw.raw?.openCount ?? 0) >= 1)
    raw.raw?.closeAll()
    assert.deepEqual(statusLines(await closed), ['HTTP/1.1 302 Found'])
  })
})
