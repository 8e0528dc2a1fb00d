/**
 * The HTTP proxy front end against the specs, with the real curl binary where a client's
 * behaviour is meant and raw sockets for malformed input: CONNECT to an IPv6 literal
 * (RFC 9110 §9.3.6), authority-form without or with an out-of-range port, absolute-form
 * requests kept alive to two hosts on one client connection (RFC 9112 §3.2.2, §9.3),
 * Host made from the target, hop-by-hop and Connection-listed fields dropped both ways
 * (RFC 9110 §7.6.1), Basic credentials in UTF-8 with a colon in the password (RFC 7617),
 * origin-form refused with a readable 400, bytes pipelined behind the CONNECT head,
 * smuggling shapes refused (RFC 9112 §6.3, §5.2), and a 2xx to CONNECT without framing.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import type { IncomingHttpHeaders, Server } from 'node:http'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { hashProxySecret } from '@meson/coordinator/testing'
import { after, before, describe, it } from 'node:test'
import { curl, FILE, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

interface SeenRequest {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
}

/** A loopback origin that records every request it gets and answers with a hop-by-hop field of its own. */
async function startRecordingOrigin(host: string): Promise<{ readonly server: Server; readonly port: number; readonly seen: SeenRequest[]; connections(): number; openConnections(): number }> {
  const seen: SeenRequest[] = []
  let connections = 0
  let open = 0
  const server = createServer((request, response) => {
    seen.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers })
    // A smuggled request is answered at once, body or not, so a proxy that let one through fails the test instead of hanging it.
    if (request.url === '/smuggle') return void response.writeHead(200, { 'Content-Length': '0' }).end()
    request.resume()
    request.once('end', () => {
      if (request.url === '/file') return void response.writeHead(200, { 'content-length': FILE.length }).end(FILE)
      const body = `${request.method} ${request.url}`
      response.writeHead(200, { 'Content-Length': String(body.length), Connection: 'X-Origin-Hop', 'X-Origin-Hop': 'must not reach the client', 'X-Origin-End': 'kept' })
      response.end(body)
    })
  })
  server.on('connection', (socket: Socket) => {
    connections += 1
    open += 1
    socket.once('close', () => (open -= 1))
  })
  await new Promise<void>((resolve) => server.listen(0, host, () => resolve()))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('not bound')
  return { server, port: address.port, seen, connections: () => connections, openConnections: () => open }
}

/** Writes `bytes` on a fresh connection and collects everything until the gateway closes (or `untilText` shows up). */
function exchange(port: number, bytes: string, untilText?: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port })
    let received = ''
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      received += chunk
      if (untilText !== undefined && received.includes(untilText)) socket.destroy()
    })
    socket.on('error', () => undefined)
    socket.once('close', () => resolve(received))
    socket.write(bytes)
  })
}

describe('HTTP proxy conformance', { skip }, () => {
  let network: ProxyNetwork
  let one: Awaited<ReturnType<typeof startRecordingOrigin>>
  let two: Awaited<ReturnType<typeof startRecordingOrigin>>
  let ipv6: Awaited<ReturnType<typeof startRecordingOrigin>>
  let three: Awaited<ReturnType<typeof startRecordingOrigin>>
  before(async () => {
    one = await startRecordingOrigin('127.0.0.1')
    two = await startRecordingOrigin('127.0.0.1')
    three = await startRecordingOrigin('127.0.0.1')
    ipv6 = await startRecordingOrigin('::1')
    network = await startProxyNetwork({ exits: [{ country: 'de' }], extraAllowPorts: [one.port, two.port, three.port], extraAllow: [{ address: '::1', port: ipv6.port }] })
  })
  after(async () => {
    await network.stop()
    for (const origin of [one, two, three, ipv6]) {
      origin.server.closeAllConnections()
      origin.server.close()
    }
  })

  const proxy = (): string => network.gateway.httpUrl ?? ''
  const proxyPort = (): number => Number(new URL(proxy()).port)
  const auth = (): string => `${network.username}:${network.password}`
  const basic = (): string => `Basic ${Buffer.from(auth()).toString('base64')}`

  it('tunnels CONNECT to an IPv6 literal [::1]:port and forwards absolute-form requests to it (curl)', async () => {
    const result = await curl(['--proxytunnel', '--proxy', proxy(), '--proxy-user', auth(), `http://[::1]:${ipv6.port}/file`])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
    assert.equal(ipv6.seen.at(-1)?.headers.host, `[::1]:${ipv6.port}`)
    const plain = await curl(['--proxy', proxy(), '--proxy-user', auth(), `http://[::1]:${ipv6.port}/file`])
    assert.equal(plain.exitCode, 0, plain.stderr)
    assert.ok(plain.stdout.equals(FILE))
    assert.equal(ipv6.seen.at(-1)?.headers.host, `[::1]:${ipv6.port}`)
  })

  it('answers 400 to CONNECT without a port or with port 0 or above 65535, with or without credentials', async () => {
    for (const target of ['127.0.0.1', `127.0.0.1:`, '127.0.0.1:0', '127.0.0.1:65536', '127.0.0.1:99999', '[::1]', '::1:80', `[::1]:0`]) {
      for (const credentials of ['', `Proxy-Authorization: ${basic()}\r\n`]) {
        const reply = await exchange(proxyPort(), `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n${credentials}\r\n`)
        assert.match(reply, /^HTTP\/1\.1 400 /, `CONNECT ${target} ${credentials === '' ? 'without' : 'with'} credentials`)
      }
    }
  })

  it('keeps one client connection alive for absolute-form requests to two hosts, each billed and each to its host (curl)', async () => {
    const usageBefore = await network.proxyStore.listUsage({ accountId: network.buyerId, fromMs: 0, toMs: Date.now() + 60_000 })
    const [oneBefore, twoBefore] = [one.seen.length, two.seen.length]
    const result = await curl(['--proxy', proxy(), '--proxy-user', auth(), '--write-out', '[%{num_connects}]', `http://127.0.0.1:${one.port}/first`, `http://127.0.0.1:${two.port}/second`, `http://127.0.0.1:${one.port}/third`])
    assert.equal(result.exitCode, 0, result.stderr)
    // curl reused its one proxy connection: the second and third transfers opened none.
    assert.equal(result.stdout.toString('latin1'), `GET /first[1]GET /second[0]GET /third[0]`)
    assert.deepEqual(one.seen.slice(oneBefore).map((seen) => [seen.url, seen.headers.host]), [['/first', `127.0.0.1:${one.port}`], ['/third', `127.0.0.1:${one.port}`]])
    assert.deepEqual(two.seen.slice(twoBefore).map((seen) => [seen.url, seen.headers.host]), [['/second', `127.0.0.1:${two.port}`]])
    let connections = new Set<string>()
    for (let round = 0; round < 500 && connections.size < 3; round += 1) {
      const lines = (await network.proxyStore.listUsage({ accountId: network.buyerId, fromMs: 0, toMs: Date.now() + 60_000 })).slice(usageBefore.length)
      connections = new Set(lines.map((line) => line.id.slice(0, line.id.lastIndexOf(':'))))
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    assert.equal(connections.size, 3, 'each request is metered and billed as its own proxied connection')
  })

  it('forwards no hop-by-hop field, nothing Connection names, and a Host made from the target; both ways', async () => {
    const before = one.seen.length
    const result = await curl([
      '--proxy', proxy(), '--proxy-user', auth(), '--include',
      '-H', 'Host: elsewhere.example', '-H', 'Connection: keep-alive, X-Hop-Secret', '-H', 'X-Hop-Secret: s3cret', '-H', 'Keep-Alive: timeout=9',
      '-H', 'TE: trailers', '-H', 'Upgrade: h2c', '-H', 'X-End-To-End: yes',
      `http://127.0.0.1:${one.port}/headers`,
    ])
    assert.equal(result.exitCode, 0, result.stderr)
    const seen = one.seen.slice(before)
    assert.equal(seen.length, 1)
    const headers = seen[0]?.headers ?? {}
    assert.equal(headers.host, `127.0.0.1:${one.port}`)
    assert.equal(headers['x-end-to-end'], 'yes')
    for (const name of ['proxy-authorization', 'proxy-connection', 'x-hop-secret', 'keep-alive', 'te', 'upgrade']) assert.equal(headers[name], undefined, name)
    assert.equal(headers.connection, 'close')
    const head = result.stdout.toString('latin1')
    assert.match(head, /^X-Origin-End: kept\r$/im)
    assert.doesNotMatch(head, /X-Origin-Hop/i)
  })

  it('reads Basic credentials as UTF-8 and splits them at the first colon (RFC 7617), over HTTP and SOCKS5', async () => {
    const buyer = await network.addBuyer(10n ** 18n)
    const password = 'pä:ss wörd:€'
    await network.gateway.proxyStore.setCredentialHash(buyer.id, hashProxySecret(password), Date.now())
    const user = `customer-${buyer.id}:${password}`
    const viaHttp = await curl(['--proxy', proxy(), '--proxy-user', user, `http://127.0.0.1:${network.targetPort}/file`])
    assert.equal(viaHttp.exitCode, 0, viaHttp.stderr)
    assert.ok(viaHttp.stdout.equals(FILE))
    const viaTunnel = await curl(['--proxytunnel', '--proxy', proxy(), '--proxy-user', user, `http://127.0.0.1:${network.targetPort}/file`])
    assert.ok(viaTunnel.stdout.equals(FILE), viaTunnel.stderr)
    const viaSocks = await curl(['--socks5-hostname', (network.gateway.socks5Url ?? '').replace('socks5h://', ''), '--proxy-user', user, `http://127.0.0.1:${network.targetPort}/file`])
    assert.ok(viaSocks.stdout.equals(FILE), viaSocks.stderr)
    const latin1 = await exchange(proxyPort(), `GET http://127.0.0.1:${network.targetPort}/file HTTP/1.1\r\nHost: x\r\nProxy-Authorization: Basic ${Buffer.from(`customer-${buyer.id}:${password}`, 'latin1').toString('base64')}\r\n\r\n`)
    assert.match(latin1, /^HTTP\/1\.1 407 /, 'the same text in Latin-1 bytes is another password')
  })

  it('answers an origin-form request with a 400 that says what to send, with or without credentials', async () => {
    for (const credentials of ['', `Proxy-Authorization: ${basic()}\r\n`]) {
      const reply = await exchange(proxyPort(), `GET /file HTTP/1.1\r\nHost: 127.0.0.1:${network.targetPort}\r\n${credentials}\r\n`)
      assert.match(reply, /^HTTP\/1\.1 400 /)
      assert.match(reply, /\r\n\r\nThis is a proxy: send an absolute URI/)
    }
    const viaCurl = await curl(['--include', `http://127.0.0.1:${proxyPort()}/file`])
    assert.match(viaCurl.stdout.toString('latin1'), /^HTTP\/1\.1 400 [^]*absolute URI/)
  })

  it('refuses userinfo in the target and https:// in absolute form with a 400', async () => {
    for (const target of [`http://user:pw@127.0.0.1:${one.port}/`, `https://127.0.0.1:${one.port}/`, `http://127.0.0.1:0/`, 'http:/nohost']) {
      const reply = await exchange(proxyPort(), `GET ${target} HTTP/1.1\r\nHost: x\r\nProxy-Authorization: ${basic()}\r\n\r\n`)
      assert.match(reply, /^HTTP\/1\.1 400 /, target)
    }
  })

  it('hands bytes pipelined right behind the CONNECT head to the target, after a 2xx without framing fields', async () => {
    const reply = await exchange(
      proxyPort(),
      `CONNECT 127.0.0.1:${one.port} HTTP/1.1\r\nHost: 127.0.0.1:${one.port}\r\nProxy-Authorization: ${basic()}\r\n\r\nGET /pipelined HTTP/1.1\r\nHost: 127.0.0.1:${one.port}\r\n\r\n`,
      'GET /pipelined',
    )
    const [connectHead = '', ...rest] = reply.split('\r\n\r\n')
    assert.match(connectHead, /^HTTP\/1\.1 200 /)
    assert.doesNotMatch(connectHead, /content-length|transfer-encoding/i)
    assert.match(rest.join('\r\n\r\n'), /^HTTP\/1\.1 200 OK[^]*GET \/pipelined$/)
  })

  it('refuses request smuggling shapes in absolute-form requests before any byte reaches the origin', async () => {
    const connectionsBefore = one.connections()
    const seenBefore = one.seen.length
    const target = `http://127.0.0.1:${one.port}/smuggle`
    const heads = [
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 4\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length: 4, 4\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nContent-Length : 4\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n`,
      `POST ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n`,
      `GET ${target} HTTP/1.1\r\nHost: x\r\nX-Folded: a\r\n  b\r\n`,
      `GET ${target} HTTP/1.1\nHost: x\n`,
    ]
    for (const head of heads) {
      const reply = await exchange(proxyPort(), `${head}Proxy-Authorization: ${basic()}\r\n\r\n0\r\n\r\n`)
      assert.match(reply, /^HTTP\/1\.1 400 /, JSON.stringify(head))
    }
    const gzip = await exchange(proxyPort(), `POST ${target} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\nProxy-Authorization: ${basic()}\r\n\r\n0\r\n\r\n`)
    assert.match(gzip, /^HTTP\/1\.1 501 /, 'a transfer coding the proxy would silently drop')
    assert.equal(one.seen.length, seenBefore)
    assert.equal(one.connections(), connectionsBefore)
  })

  it('closes the stream and the exit\'s target connection of a request whose client left while the stream opened', async () => {
    const clients = 5
    for (let index = 0; index < clients; index += 1) {
      const socket = connect({ host: '127.0.0.1', port: proxyPort() })
      socket.on('error', () => undefined)
      socket.write(`POST http://127.0.0.1:${three.port}/gone HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nProxy-Authorization: ${basic()}\r\n\r\nhello`, () => socket.destroy())
    }
    // The exit dials the origin before the gateway learns each client left; every one of those connections must then close.
    await waitFor(() => three.connections() === clients && three.openConnections() === 0, 'the target connections to close')
  })
})
