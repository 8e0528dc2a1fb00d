import assert from 'node:assert/strict'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { after, before, describe, it, mock } from 'node:test'
import { createManualClock, eventually, send, startScriptedOrigin, startTestNode } from '../../testing/cache-server-fixtures.ts'
import type { ScriptedOrigin, TestNode } from '../../testing/cache-server-fixtures.ts'

/** Opens a connection to a node; resolves once connected. */
function open(baseUrl: string): Promise<Socket> {
  const url = new URL(baseUrl)
  return new Promise((resolve, reject) => {
    const socket = connect(Number(url.port), url.hostname, () => resolve(socket))
    socket.once('error', reject)
  })
}

/** Everything a connection received until the server closed it. */
function readUntilClosed(socket: Socket): Promise<string> {
  const chunks: Buffer[] = []
  socket.on('data', (chunk: Buffer) => chunks.push(chunk))
  socket.on('error', () => undefined)
  return new Promise((resolve) => socket.on('close', () => resolve(Buffer.concat(chunks).toString('latin1'))))
}

/** Sends `payload`, half-closes, and returns what came back until the server closed. */
async function exchange(baseUrl: string, payload: string): Promise<string> {
  const socket = await open(baseUrl)
  const received = readUntilClosed(socket)
  socket.end(payload, 'latin1')
  return received
}

/** The real-time Date node:http adds is the one part two servers may disagree on. */
function withoutDate(text: string): string {
  return text.replace(/\r\nDate: [^\r]*/g, '\r\nDate: <now>')
}

function statusLines(text: string): string[] {
  return text.match(/HTTP\/1\.1 \d{3} [^\r]*/g) ?? []
}

function metricValue(text: string, name: string): number {
  const match = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)
  return Number(match?.[1] ?? Number.NaN)
}

const BODY_4K = Buffer.alloc(4096, 'k')
const BODY_512K = Buffer.alloc(512 * 1024, 'm')

describe('fast connections', () => {
  let origin: ScriptedOrigin
  let fast: TestNode
  let plain: TestNode
  const clock = createManualClock()

  before(async () => {
    origin = await startScriptedOrigin()
    origin.route('/hit', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600', 'content-type': 'application/octet-stream', etag: '"h"' }).end(BODY_4K))
    origin.route('/dated', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600', date: new Date(clock.nowMs()).toUTCString() }).end('dated'))
    origin.route('/big', (_req, res) => res.writeHead(200, { 'cache-control': 'max-age=600' }).end(BODY_512K))
    origin.route('*', (req, res) => res.writeHead(200, { 'cache-control': 'no-store', 'content-type': 'text/plain' }).end(`origin ${req.url ?? ''}`))
    const flags = { headersTimeoutMs: '400', requestTimeoutMs: '800', keepAliveTimeoutMs: '300', maxHeaderCount: '20' } as const
    fast = await startTestNode(origin.url, { clock, flags: { ...flags, fastConnections: 'on' } })
    plain = await startTestNode(origin.url, { clock, flags: { ...flags, fastConnections: 'off' } })
    for (const node of [fast, plain]) for (const path of ['/hit', '/dated', '/big']) await send(node.node.url, path)
  })
  after(async () => {
    await fast.stop()
    await plain.stop()
    await origin.close()
  })

  describe('sends exactly the bytes node:http sends', () => {
    const cases: ReadonlyArray<readonly [string, string]> = [
      ['a keep-alive GET', 'GET /hit HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\n\r\n'],
      ['a HEAD', 'HEAD /hit HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a GET with Connection: close', 'GET /hit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['a stored response with its own Date', 'GET /dated HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['a body above the copy threshold', 'GET /big HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['three pipelined hits', 'GET /hit HTTP/1.1\r\nHost: x\r\n\r\nHEAD /dated HTTP/1.1\r\nHost: x\r\n\r\nGET /hit HTTP/1.1\r\nHost: x\r\n\r\n'],
      ['pipelined hit, miss, hit', 'GET /hit HTTP/1.1\r\nHost: x\r\n\r\nGET /miss-1 HTTP/1.1\r\nHost: x\r\n\r\nGET /hit HTTP/1.1\r\nHost: x\r\n\r\n'],
    ]
    for (const [name, payload] of cases) {
      it(name, async () => {
        const [fastText, plainText] = await Promise.all([exchange(fast.node.url, payload), exchange(plain.node.url, payload)])
        assert.ok(fastText.length > 0)
        assert.equal(withoutDate(fastText), withoutDate(plainText))
      })
    }
  })

  it('answers pipelined hit, miss, hit in order, the miss by node:http', async () => {
    // Not half-closed: node:http drops requests still queued when the client ends its side.
    const socket = await open(fast.node.url)
    const received = readUntilClosed(socket)
    socket.write('GET /hit HTTP/1.1\r\nHost: x\r\n\r\nGET /miss-2 HTTP/1.1\r\nHost: x\r\n\r\nGET /hit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
    const text = await received
    const caches = text.match(/cache-status: [^\r]*/gi) ?? []
    assert.deepEqual(caches.map((line) => /hit|fwd=[a-z-]+/.exec(line)?.[0]), ['hit', 'fwd=uri-miss', 'hit'])
    assert.ok(text.includes('origin /miss-2\r\n0\r\n\r\nHTTP/1.1 200 OK'), 'the miss is answered between the two hits')
  })

  // Hostile inputs: the fast node must answer exactly as the plain node:http node does.
  const hostile: ReadonlyArray<readonly [string, string]> = [
    ['CL + TE smuggling', 'GET /hit HTTP/1.1\r\nHost: x\r\nContent-Length: 44\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled-1 HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['TE: chunked on a GET', 'GET /hit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n'],
    ['TE: " chunked" with a tab', 'GET /hit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\tchunked\r\n\r\n0\r\n\r\n'],
    ['TE: chunked, identity', 'GET /hit HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n'],
    ['duplicate Content-Length', 'GET /hit HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n\r\nhello'],
    ['Content-Length: 0 followed by a pipelined miss', 'GET /hit HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\nGET /pipelined-miss HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a body behind Content-Length: 5', 'GET /hit HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello'],
    ['obs-fold', 'GET /hit HTTP/1.1\r\nHost: x\r\nX-A: a\r\n Transfer-Encoding: chunked\r\n\r\n'],
    ['bare LF', 'GET /hit HTTP/1.1\nHost: x\n\n'],
    ['a NUL byte', 'GET /hit HTTP/1.1\r\nHost: x\r\nX: a\u0000b\r\n\r\n'],
    ['absolute-form', 'GET http://x/hit HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['HTTP/1.0', 'GET /hit HTTP/1.0\r\n\r\n'],
    ['the HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
    ['a very long line', `GET /hit HTTP/1.1\r\nHost: x\r\nX-Long: ${'l'.repeat(64 * 1024)}\r\n\r\n`],
    ['no Host', 'GET /hit HTTP/1.1\r\n\r\n'],
    ['two Hosts', 'GET /hit HTTP/1.1\r\nHost: x\r\nHost: y\r\n\r\n'],
    ['too many fields', `GET /hit HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 30 }, (_, index) => `X-${index}: v\r\n`).join('')}\r\n`],
    ['a hit then smuggling', 'GET /hit HTTP/1.1\r\nHost: x\r\n\r\nGET /hit HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nX'],
    ['a request after Connection: close', 'GET /hit HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\nGET /after-close HTTP/1.1\r\nHost: x\r\n\r\n'],
    ['a conditional request', 'GET /hit HTTP/1.1\r\nHost: x\r\nIf-None-Match: "h"\r\n\r\n'],
    ['a Range request', 'GET /hit HTTP/1.1\r\nHost: x\r\nRange: bytes=0-9\r\n\r\n'],
    ['a partial head at EOF', 'GET /hit HTTP/1.1\r\nHost: x\r\nX-Cut: y'],
  ]
  for (const [name, payload] of hostile) {
    it(`answers ${name} as node:http does`, async () => {
      const [fastText, plainText] = await Promise.all([exchange(fast.node.url, payload), exchange(plain.node.url, payload)])
      assert.deepEqual(statusLines(fastText), statusLines(plainText))
      assert.equal(withoutDate(fastText), withoutDate(plainText))
    })
  }

  // CL + TE is node:http's call on both nodes (it reads the chunked body, RFC 9112 §6.3,
  // so /smuggled-1 is a pipelined request there, on both); what follows a close never is.
  it('never reads a request sent after Connection: close', () => {
    assert.equal(origin.count('/after-close'), 0)
  })

  it('answers a request split across packets byte by byte', async () => {
    const socket = await open(fast.node.url)
    socket.setNoDelay(true)
    const received = readUntilClosed(socket)
    const request = 'GET /hit HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n'
    for (const character of request) {
      socket.write(character)
      await new Promise((resolve) => setImmediate(resolve))
    }
    socket.end()
    const text = await received
    assert.deepEqual(statusLines(text), ['HTTP/1.1 200 OK'])
    assert.match(text, /cache-status: meson; hit/)
  })

  it('answers a half-closed client, then closes', async () => {
    const text = await exchange(fast.node.url, 'GET /hit HTTP/1.1\r\nHost: x\r\n\r\n')
    assert.deepEqual(statusLines(text), ['HTTP/1.1 200 OK'])
    assert.ok(text.endsWith(BODY_4K.toString('latin1')))
  })

  it('counts hits and served bytes', async () => {
    const before = await send(fast.node.adminUrl, '/_meson/metrics')
    await exchange(fast.node.url, 'GET /hit HTTP/1.1\r\nHost: x\r\n\r\nHEAD /hit HTTP/1.1\r\nHost: x\r\n\r\n')
    const afterText = (await send(fast.node.adminUrl, '/_meson/metrics')).body.toString()
    const beforeText = before.body.toString()
    assert.equal(metricValue(afterText, 'meson_node_cache_hits_total') - metricValue(beforeText, 'meson_node_cache_hits_total'), 2)
    assert.equal(metricValue(afterText, 'meson_node_bytes_served_total') - metricValue(beforeText, 'meson_node_bytes_served_total'), BODY_4K.length)
  })

  it('closes a slowloris that trickles its head on a fast connection', async () => {
    const socket = await open(fast.node.url)
    const received = readUntilClosed(socket)
    const request = `GET /hit HTTP/1.1\r\nHost: x\r\nX-Slow: ${'z'.repeat(400)}`
    let index = 0
    const timer = setInterval(() => {
      if (!socket.destroyed && index < request.length) socket.write(request.charAt(index++))
    }, 10)
    const text = await received
    clearInterval(timer)
    assert.deepEqual(statusLines(text), ['HTTP/1.1 408 Request Timeout'])
  })

  it('closes a slowloris that trickles a second request after a hit', async () => {
    const socket = await open(fast.node.url)
    const received = readUntilClosed(socket)
    socket.write('GET /hit HTTP/1.1\r\nHost: x\r\n\r\n')
    const request = `GET /hit HTTP/1.1\r\nHost: x\r\nX-Slow: ${'z'.repeat(400)}`
    let index = 0
    const timer = setInterval(() => {
      if (!socket.destroyed && index < request.length) socket.write(request.charAt(index++))
    }, 10)
    const text = await received
    clearInterval(timer)
    assert.deepEqual(statusLines(text), ['HTTP/1.1 200 OK', 'HTTP/1.1 408 Request Timeout'])
  })

  it('closes an idle keep-alive connection after its hits', async () => {
    const socket = await open(fast.node.url)
    const received = readUntilClosed(socket)
    socket.write('GET /hit HTTP/1.1\r\nHost: x\r\n\r\n')
    const text = await received
    assert.deepEqual(statusLines(text), ['HTTP/1.1 200 OK'])
  })

  it('stops reading a client that never reads, and serves it all once it does', async () => {
    const hitsBefore = metricValue((await send(fast.node.adminUrl, '/_meson/metrics')).body.toString(), 'meson_node_cache_hits_total')
    const socket = await open(fast.node.url)
    socket.pause()
    const count = 200
    socket.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n'.repeat(count))
    // Let the server answer what the socket buffers take; it must then stop parsing.
    let last = -1
    let stableRounds = 0
    await eventually(async () => {
      const hits = metricValue((await send(fast.node.adminUrl, '/_meson/metrics')).body.toString(), 'meson_node_cache_hits_total') - hitsBefore
      stableRounds = hits === last ? stableRounds + 1 : 0
      last = hits
      return stableRounds >= 5
    })
    assert.ok(last < count / 2, `answered ${last} of ${count} without the client reading`)
    let receivedBytes = 0
    socket.on('data', (chunk: Buffer) => (receivedBytes += chunk.length))
    socket.resume()
    await eventually(() => receivedBytes >= count * BODY_512K.length, 20_000)
    socket.destroy()
  })

  it('hands /_meson/ requests to node:http', async () => {
    const text = await exchange(fast.node.url, 'GET /_meson/healthz HTTP/1.1\r\nHost: x\r\n\r\n')
    assert.deepEqual(statusLines(text), ['HTTP/1.1 200 OK'])
    assert.match(text, /"status":"ok"/)
  })

  it('stops promptly with idle and half-read fast connections open', { timeout: 30_000 }, async () => {
    const node = await startTestNode(origin.url, { flags: { fastConnections: 'on', keepAliveTimeoutMs: '60000', shutdownGraceMs: '60000' } })
    await send(node.node.url, '/hit')
    const idle = await open(node.node.url)
    const idleClosed = readUntilClosed(idle)
    idle.write('GET /hit HTTP/1.1\r\nHost: x\r\n\r\n')
    await eventually(() => idle.bytesRead > BODY_4K.length)
    const partial = await open(node.node.url)
    const partialClosed = readUntilClosed(partial)
    partial.write('GET /hit HTTP/1.1\r\nHost: x\r\n')
    await eventually(() => partial.bytesWritten > 0)
    await new Promise((resolve) => setImmediate(resolve))
    // The 60 s grace timer is frozen from here on (mocked setTimeout that only a tick
    // would fire, and none comes): the stop can only resolve because the connections
    // were closed, never because the grace ran out.
    mock.timers.enable({ apis: ['setTimeout'] })
    try {
      const stopped = node.stop()
      partial.write('\r\n')
      await stopped
      await Promise.all([idleClosed, partialClosed])
    } finally {
      mock.timers.reset()
    }
  })
})
