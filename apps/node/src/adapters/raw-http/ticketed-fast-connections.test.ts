import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { subscribe, unsubscribe } from 'node:diagnostics_channel'
import { once } from 'node:events'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, nodeIdFromPublicKey, TicketMacKey } from '@meson/protocol'
import type { TicketWire } from '@meson/protocol'
import { createManualClock, send } from '../../testing/cache-server-fixtures.ts'
import { startCoordinatorNodeHarness } from '../../testing/coordinator-node-fixtures.ts'
import type { CoordinatorNodeHarness } from '../../testing/coordinator-node-fixtures.ts'

/** Sends `payload` on a new connection, half-closes, and returns all that came back until the server closed. */
async function exchange(baseUrl: string, payload: string): Promise<string> {
  const url = new URL(baseUrl)
  const socket = await new Promise<Socket>((resolve, reject) => {
    const opened = connect(Number(url.port), url.hostname, () => resolve(opened))
    opened.once('error', reject)
  })
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => undefined)
  const closed = once(socket, 'close')
  socket.end(payload, 'latin1')
  await closed
  return Buffer.concat(chunks).toString('latin1')
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []
}

function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)
  return Number(match?.[1] ?? Number.NaN)
}

/** The same token with one bit of its node tag (`json.nodeTag.coordTag`) changed; not its last character, whose low bits are base64 padding. */
function flipNodeTagBit(token: string): string {
  const [json = '', nodeTag = '', coordTag = ''] = token.split('.')
  return [json, `${nodeTag.charAt(0) === 'A' ? 'B' : 'A'}${nodeTag.slice(1)}`, coordTag].join('.')
}

const BODY_4K = Buffer.alloc(4096, 'k')
const BODY_200K = Buffer.alloc(200 * 1024, 'b')

/** A node in CDN mode, fast connections on or off; both share one manual clock, so Age and freshness agree. */
interface Side {
  readonly harness: CoordinatorNodeHarness
  /** Requests node:http parsed on this node's port (diagnostics channel `http.server.request.start`). */
  nodeHttpRequests: number
}

describe('fast connections in CDN mode (ticketed hits)', () => {
  const clock = createManualClock(Date.now())
  const nowMs = clock.nowMs()
  let fast: Side
  let plain: Side
  const otherNode = nodeIdFromPublicKey(generateKeyPair().publicKey)
  const onRequestStart = (message: unknown): void => {
    const port = (message as { server?: { address(): { port: number } | string | null } }).server?.address()
    if (typeof port !== 'object' || port === null) return
    for (const side of [fast, plain]) if (new URL(side.harness.node.url).port === String(port.port)) side.nodeHttpRequests += 1
  }

  before(async () => {
    const start = async (fastConnections: 'on' | 'off'): Promise<Side> => {
      const harness = await startCoordinatorNodeHarness({ heartbeatIntervalMs: '600000', fastConnections, keepAliveTimeoutMs: '300' }, { clock })
      harness.origin.route('/hit.bin', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'application/octet-stream', etag: '"h"' }).end(BODY_4K))
      harness.origin.route('/big.bin', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end(BODY_200K))
      harness.origin.route('*', (req, res) => res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/plain' }).end(`origin ${req.url ?? ''}`))
      return { harness, nodeHttpRequests: 0 }
    }
    fast = await start('on')
    plain = await start('off')
    for (const side of [fast, plain]) {
      for (const path of ['/hit.bin', '/big.bin']) {
        const filled = await exchange(side.harness.node.url, `GET ${zonePath(side, path, `mt=${ticket(side, path)}`)} HTTP/1.1\r\nHost: x\r\n\r\n`)
        assert.deepEqual(statusLines(filled), ['HTTP/1.1 200 OK'])
      }
    }
    subscribe('http.server.request.start', onRequestStart)
  })
  after(async () => {
    unsubscribe('http.server.request.start', onRequestStart)
    await fast.harness.close()
    await plain.harness.close()
  })

  function ticket(side: Side, path: string, overrides: Partial<TicketWire> = {}): string {
    return side.harness.ticket(path, { issuedAt: nowMs - 1000, expiresAt: nowMs + 600_000, ...overrides })
  }
  function zonePath(_side: Side, path: string, query: string, zone = 'my-site'): string {
    return `/z/${zone}${path}${query === '' ? '' : `?${query}`}`
  }
  /** What two nodes may rightly disagree on: the real-time Date and their coordinator's URL (each has its own). */
  function normalized(side: Side, text: string): string {
    return text.replace(/\r\nDate: [^\r]*/g, '\r\nDate: <now>').replaceAll(side.harness.fake.url.href.replace(/\/$/, ''), '<coordinator>')
  }
  /** Sends the request `payloadFor` builds for each node to both; their answers must be byte-identical. */
  async function assertSameAnswer(payloadFor: (side: Side) => string): Promise<{ fastText: string; fastNodeHttp: number; plainNodeHttp: number }> {
    const fastBefore = fast.nodeHttpRequests
    const plainBefore = plain.nodeHttpRequests
    const [fastText, plainText] = await Promise.all([exchange(fast.harness.node.url, payloadFor(fast)), exchange(plain.harness.node.url, payloadFor(plain))])
    assert.ok(fastText.length > 0)
    assert.equal(normalized(fast, fastText), normalized(plain, plainText))
    return { fastText, fastNodeHttp: fast.nodeHttpRequests - fastBefore, plainNodeHttp: plain.nodeHttpRequests - plainBefore }
  }
  const get = (target: string, extra = ''): string => `GET ${target} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`

  describe('serves hits without node:http, with exactly the bytes node:http sends', () => {
    const hits: ReadonlyArray<readonly [string, (side: Side) => string, number]> = [
      ['a keep-alive GET', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`), 'User-Agent: t\r\n'), 1],
      ['a HEAD', (side) => `HEAD ${zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`)} HTTP/1.1\r\nHost: x\r\n\r\n`, 1],
      ['a GET with Connection: close', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`), 'Connection: close\r\n'), 1],
      ['a body above the copy threshold', (side) => get(zonePath(side, '/big.bin', `mt=${ticket(side, '/big.bin')}`)), 1],
      ['a prefix ticket', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/', { prefix: true })}`)), 1],
      ['three pipelined hits on one ticket', (side) => {
        const token = ticket(side, '/hit.bin')
        return get(zonePath(side, '/hit.bin', `mt=${token}`)).repeat(2) + `HEAD ${zonePath(side, '/hit.bin', `mt=${token}`)} HTTP/1.1\r\nHost: x\r\n\r\n`
      }, 3],
    ]
    for (const [name, payloadFor, count] of hits) {
      it(name, async () => {
        const answer = await assertSameAnswer(payloadFor)
        assert.equal(statusLines(answer.fastText).length, count)
        assert.match(answer.fastText, /cache-status: meson; hit/)
        assert.equal(answer.fastNodeHttp, 0, 'the fast node answered on the raw connection')
        assert.equal(answer.plainNodeHttp, count)
      })
    }
  })

  describe('leaves every other request to node:http, which answers as it does without the fast path', () => {
    const handedOver: ReadonlyArray<readonly [string, (side: Side) => string]> = [
      ['a missing ticket', (side) => get(zonePath(side, '/hit.bin', 'a=1'))],
      ['a forged ticket', (side) => get(zonePath(side, '/hit.bin', `mt=${side.harness.ticket('/hit.bin', { issuedAt: nowMs - 1000, expiresAt: nowMs + 600_000 }, { nodeKey: new TicketMacKey(randomBytes(32)), coordinatorKey: new TicketMacKey(randomBytes(32)) })}`))],
      ['a ticket with a flipped node-tag bit', (side) => get(zonePath(side, '/hit.bin', `mt=${flipNodeTagBit(ticket(side, '/hit.bin'))}`))],
      ['an expired ticket', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { issuedAt: nowMs - 600_000, expiresAt: nowMs - 1 })}`))],
      ['a ticket not yet valid', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { issuedAt: nowMs + 3_600_000, expiresAt: nowMs + 3_700_000 })}`))],
      ['a ticket for another node', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { nodeId: otherNode })}`))],
      ["a ticket for another node, tagged with that node's key", (side) => get(zonePath(side, '/hit.bin', `mt=${side.harness.ticket('/hit.bin', { nodeId: otherNode, issuedAt: nowMs - 1000, expiresAt: nowMs + 600_000 }, side.harness.fake.ticketTagKeys(otherNode))}`))],
      ['a ticket for another path', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/big.bin')}`))],
      ['a ticket for another zone', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { zone: 'other-site' })}`))],
      ['a ticket used in another zone', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`, 'other-site'))],
      ['a ticket for another client', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { client: '203.0.113.9' })}`))],
      ['a ticket with no budget', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin', { byteBudget: '0' })}`))],
      ['garbage', (side) => get(zonePath(side, '/hit.bin', 'mt=not-a-ticket'))],
      ['two tickets', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}&mt=${ticket(side, '/hit.bin')}`))],
      ['a miss', (side) => get(zonePath(side, '/miss-1', `mt=${ticket(side, '/miss-1')}`))],
      ['a Range request', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`), 'Range: bytes=0-9\r\n')],
      ['a conditional request', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`), 'If-None-Match: "h"\r\n')],
      ['a request with Cache-Control', (side) => get(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`), 'Cache-Control: no-cache\r\n')],
      ['a path outside /z/', () => get('/hit.bin')],
      ['a zone URL without a path', () => get('/z/my-site')],
      ['the identity callback', () => get('/_meson/identity?challenge=abc')],
      ['pipelined hit, bounce, hit', (side) => {
        const token = ticket(side, '/hit.bin')
        return get(zonePath(side, '/hit.bin', `mt=${token}`)) + get(zonePath(side, '/hit.bin', 'mt=forged')) + get(zonePath(side, '/hit.bin', `mt=${token}`))
      }],
    ]
    for (const [name, payloadFor] of handedOver) {
      it(name, async () => {
        const answer = await assertSameAnswer(payloadFor)
        assert.ok(answer.fastNodeHttp > 0, 'node:http answered on the fast node')
      })
    }
  })

  // ADR 0006's smuggling cases, on a ticketed URL: the fast node must answer exactly as node:http does.
  describe('answers request smuggling as node:http does', () => {
    const hostile: ReadonlyArray<readonly [string, (target: string) => string]> = [
      ['CL + TE', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /z/my-site/smuggled HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['TE: chunked on a GET', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n`],
      ['TE: chunked, identity', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n`],
      ['duplicate Content-Length', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello`],
      ['a body behind Content-Length: 5', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello`],
      ['obs-fold', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Transfer-Encoding: chunked\r\n\r\n`],
      ['bare LF', (t) => `GET ${t} HTTP/1.1\nHost: x\n\n`],
      ['a NUL byte', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n`],
      ['absolute-form', (t) => `GET http://x${t} HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['HTTP/1.0', (t) => `GET ${t} HTTP/1.0\r\n\r\n`],
      ['no Host', (t) => `GET ${t} HTTP/1.1\r\n\r\n`],
      ['two Hosts', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n`],
      ['a hit then smuggling', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\n\r\nGET ${t} HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX`],
      ['a request after Connection: close', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /z/my-site/after-close HTTP/1.1\r\nHost: x\r\n\r\n`],
      ['a partial head at EOF', (t) => `GET ${t} HTTP/1.1\r\nHost: x\r\nX-Cut: y`],
    ]
    for (const [name, payloadOf] of hostile) {
      it(name, async () => {
        await assertSameAnswer((side) => payloadOf(zonePath(side, '/hit.bin', `mt=${ticket(side, '/hit.bin')}`)))
      })
    }
  })

  it('accounts served bytes and requests, budgets and metrics the same on both paths', async () => {
    const script = async (side: Side): Promise<{ lines: Record<string, { bytes: bigint; requests: number | undefined }>; hits: number; bytesServed: number; outboxBytes: bigint }> => {
      const metricsBefore = (await send(side.harness.node.adminUrl, '/_meson/metrics')).body.toString()
      const outboxBefore = side.harness.node.outbox.unsealedBytes
      const tokens = {
        twoGetsAndHead: ticket(side, '/hit.bin'),
        big: ticket(side, '/big.bin'),
        // Exactly one body: the second GET finds the budget spent and goes back to the redirector.
        oneBody: ticket(side, '/hit.bin', { byteBudget: String(BODY_4K.length) }),
      }
      const url = side.harness.node.url
      const hitTarget = (token: string): string => zonePath(side, '/hit.bin', `mt=${token}`)
      const answers = [
        await exchange(url, get(hitTarget(tokens.twoGetsAndHead)).repeat(2) + `HEAD ${hitTarget(tokens.twoGetsAndHead)} HTTP/1.1\r\nHost: x\r\n\r\n`),
        await exchange(url, get(zonePath(side, '/big.bin', `mt=${tokens.big}`))),
        await exchange(url, get(hitTarget(tokens.oneBody))),
        await exchange(url, get(hitTarget(tokens.oneBody))),
      ]
      assert.deepEqual(answers.map(statusLines), [['HTTP/1.1 200 OK', 'HTTP/1.1 200 OK', 'HTTP/1.1 200 OK'], ['HTTP/1.1 200 OK'], ['HTTP/1.1 200 OK'], ['HTTP/1.1 302 Found']])
      const outboxBytes = side.harness.node.outbox.unsealedBytes - outboxBefore
      const metricsAfter = (await send(side.harness.node.adminUrl, '/_meson/metrics')).body.toString()
      const acknowledged = once(side.harness.node.outbox, 'acknowledged')
      await side.harness.node.outbox.sealNow()
      await acknowledged
      const reported = [...side.harness.fake.usageBatches.values()].flatMap((batch) => batch.lines)
      const lines: Record<string, { bytes: bigint; requests: number | undefined }> = {}
      for (const [label, token] of Object.entries(tokens)) {
        const line = reported.find((candidate) => candidate.ticket === token)
        if (line !== undefined) lines[label] = { bytes: line.bytes, requests: line.requests }
      }
      return {
        lines,
        hits: metricValue(metricsAfter, 'meson_node_cache_hits_total') - metricValue(metricsBefore, 'meson_node_cache_hits_total'),
        bytesServed: metricValue(metricsAfter, 'meson_node_bytes_served_total') - metricValue(metricsBefore, 'meson_node_bytes_served_total'),
        outboxBytes,
      }
    }
    const fastBefore = fast.nodeHttpRequests
    const fastUsage = await script(fast)
    // Only the 302 of the spent ticket, and the metrics scrapes, went through node:http.
    assert.equal(fast.nodeHttpRequests - fastBefore, 3)
    const plainUsage = await script(plain)
    assert.deepEqual(fastUsage, plainUsage)
    assert.deepEqual(fastUsage.lines, {
      twoGetsAndHead: { bytes: 2n * BigInt(BODY_4K.length), requests: 2 },
      big: { bytes: BigInt(BODY_200K.length), requests: 1 },
      oneBody: { bytes: BigInt(BODY_4K.length), requests: 1 },
    })
    assert.equal(fastUsage.outboxBytes, 3n * BigInt(BODY_4K.length) + BigInt(BODY_200K.length))
  })
})
