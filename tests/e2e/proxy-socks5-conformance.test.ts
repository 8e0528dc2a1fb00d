/**
 * The SOCKS5 front end against RFC 1928 and RFC 1929 with raw sockets (malformed and
 * edge-case input) and the real curl binary (IPv6 literal): no acceptable method, BIND
 * and UDP ASSOCIATE, an unknown address type, field lengths 0 and 255, a wrong
 * subnegotiation version, a handshake that arrives one byte at a time, the shape of
 * every reply, and the reply codes for a policy refusal and an unreachable target.
 */
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { connect } from 'node:net'
import { hashProxySecret } from '@meson/coordinator/testing'
import { after, before, describe, it } from 'node:test'
import { curl, FILE, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

/**
 * Sends `chunks` one write each (after the previous one was sent) and returns all bytes
 * received until the server closes; `halfClose`: shut down the sending side after the last.
 */
function talk(port: number, chunks: readonly Uint8Array[], halfClose = false): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true })
    const received: Buffer[] = []
    socket.on('data', (chunk: Buffer) => received.push(chunk))
    socket.on('error', () => undefined)
    socket.once('close', () => resolve(Buffer.concat(received)))
    const send = (index: number): void => {
      const chunk = chunks[index]
      if (chunk === undefined) {
        if (halfClose) socket.end()
      } else if (!socket.destroyed) socket.write(chunk, () => setImmediate(() => send(index + 1)))
    }
    send(0)
  })
}

const bytes = (...values: number[]): Buffer => Buffer.from(values)
/** The reply RFC 1928 §6 asks for, with BND.ADDR 0.0.0.0 and BND.PORT 0 (IPv4, 10 bytes). */
const reply = (code: number): number[] => [5, code, 0, 1, 0, 0, 0, 0, 0, 0]

/** A port that was just bound and closed on 127.0.0.1: connecting to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  await new Promise<void>((resolve) => server.close(() => resolve()))
  return port
}

describe('SOCKS5 conformance (RFC 1928, RFC 1929)', { skip }, () => {
  let network: ProxyNetwork
  let refusedPort: number
  let ipv6Port: number
  const ipv6Target = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.once('data', () => socket.end(`HTTP/1.1 200 OK\r\nContent-Length: ${FILE.length}\r\nConnection: close\r\n\r\n${FILE.toString('latin1')}`, 'latin1'))
  })
  before(async () => {
    refusedPort = await closedPort()
    await new Promise<void>((resolve) => ipv6Target.listen(0, '::1', () => resolve()))
    ipv6Port = (ipv6Target.address() as AddressInfo).port
    network = await startProxyNetwork({
      exits: [{ country: 'de' }],
      extraAllowPorts: [refusedPort],
      extraAllow: [{ address: '::1', port: ipv6Port }],
      resolve: (name) => Promise.resolve(name === 'target.test' ? ['127.0.0.1'] : []),
    })
    // Streams take the data connections (the usual carrier), not the HTTP/2 fallback.
    await waitFor(() => network.gateway.pool.list().every((exit) => exit.tunnel.idleDataConnections > 0), 'the data connections')
  })
  after(async () => {
    await network.stop()
    ipv6Target.close()
  })

  const port = (): number => Number((network.gateway.socks5Url ?? '').split(':').at(-1))
  const greeting = bytes(5, 1, 2)
  const credentials = (): Buffer => {
    const user = Buffer.from(network.username)
    const password = Buffer.from(network.password)
    return Buffer.concat([bytes(1, user.length), user, bytes(password.length), password])
  }
  const connectTo = (ipv4: readonly number[], targetPort: number, command = 1): Buffer => bytes(5, command, 0, 1, ...ipv4, targetPort >> 8, targetPort & 255)
  const handshake = (request: Uint8Array): Promise<Buffer> => talk(port(), [greeting, credentials(), request])

  it('answers X\'FF\' and closes when no acceptable method is offered', async () => {
    assert.deepEqual([...(await talk(port(), [bytes(5, 1, 0)]))], [5, 0xff])
    assert.deepEqual([...(await talk(port(), [bytes(5, 3, 0, 1, 0x80)]))], [5, 0xff])
    assert.deepEqual([...(await talk(port(), [bytes(5, 0)]))], [5, 0xff], 'NMETHODS 0 offers nothing acceptable')
  })

  it('answers BIND and UDP ASSOCIATE with 0x07 (command not supported) and a well-formed BND', async () => {
    for (const command of [2, 3, 9]) {
      assert.deepEqual([...(await handshake(connectTo([127, 0, 0, 1], network.targetPort, command)))], [5, 2, 1, 0, ...reply(7)], `command ${command}`)
    }
  })

  it('answers an unknown address type with 0x08', async () => {
    assert.deepEqual([...(await handshake(bytes(5, 1, 0, 2, 127, 0, 0, 1, 0, 80)))], [5, 2, 1, 0, ...reply(8)])
  })

  it('answers a malformed request (reserved byte, version, impossible name) with 0x01 and closes', async () => {
    for (const request of [bytes(5, 1, 1, 1, 127, 0, 0, 1, 0, 80), bytes(4, 1, 0, 1, 127, 0, 0, 1, 0, 80), bytes(5, 1, 0, 3, 3, 0x20, 0x2f, 0x00, 0, 80)]) {
      assert.deepEqual([...(await handshake(request))], [5, 2, 1, 0, ...reply(1)], request.toString('hex'))
    }
  })

  it('answers a subnegotiation with a wrong version or an empty field with a failure status and closes (RFC 1929 §2)', async () => {
    for (const subnegotiation of [bytes(5, 1, 97, 1, 98), bytes(0, 1, 97, 1, 98), bytes(1, 0, 1, 98), bytes(1, 1, 97, 0)]) {
      assert.deepEqual([...(await talk(port(), [greeting, subnegotiation]))], [5, 2, 1, 1], subnegotiation.toString('hex'))
    }
  })

  it('takes a 255-byte password and a 255-byte username (the longest RFC 1929 allows)', async () => {
    const buyer = await network.addBuyer(10n ** 18n)
    const password = 'p'.repeat(255)
    await network.gateway.proxyStore.setCredentialHash(buyer.id, hashProxySecret(password), Date.now())
    const user = Buffer.from(`customer-${buyer.id}`)
    const request = Buffer.from(`GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    const answer = await talk(port(), [greeting, Buffer.concat([bytes(1, user.length), user, bytes(255), Buffer.from(password)]), connectTo([127, 0, 0, 1], network.targetPort), request])
    assert.deepEqual([...answer.subarray(0, 14)], [5, 2, 1, 0, ...reply(0)])
    assert.ok(answer.subarray(answer.length - FILE.length).equals(FILE))
    const longUser = await talk(port(), [greeting, Buffer.concat([bytes(1, 255), Buffer.alloc(255, 0x61), bytes(255), Buffer.from(password)])])
    assert.deepEqual([...longUser], [5, 2, 1, 1], 'a 255-byte username is read whole, then refused as no account')
  })

  it('serves a client whose greeting, credentials and request arrive one byte at a time', async () => {
    const request = Buffer.from(`GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    const handshakeBytes = Buffer.concat([greeting, credentials(), connectTo([127, 0, 0, 1], network.targetPort)])
    const answer = await talk(port(), [...[...handshakeBytes].map((value) => bytes(value)), request])
    assert.deepEqual([...answer.subarray(0, 14)], [5, 2, 1, 0, ...reply(0)])
    assert.match(answer.subarray(14).toString('latin1'), /^HTTP\/1\.1 200 /)
    assert.ok(answer.subarray(answer.length - FILE.length).equals(FILE))
  })

  it('still answers, and relays the response, when the client shuts down its sending side right after its request', async () => {
    const request = Buffer.from(`GET /file HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`)
    const answer = await talk(port(), [Buffer.concat([greeting, credentials(), connectTo([127, 0, 0, 1], network.targetPort), request])], true)
    assert.deepEqual([...answer.subarray(0, 14)], [5, 2, 1, 0, ...reply(0)])
    assert.ok(answer.subarray(answer.length - FILE.length).equals(FILE))
  })

  it('answers 0x02 for a destination the exit policy refuses (a loopback port not allow-listed, and port 0)', async () => {
    assert.deepEqual([...(await handshake(connectTo([127, 0, 0, 1], network.tripwirePort)))], [5, 2, 1, 0, ...reply(2)])
    assert.deepEqual([...(await handshake(connectTo([127, 0, 0, 1], 0)))], [5, 2, 1, 0, ...reply(2)])
    const name = Buffer.from('localhost')
    assert.deepEqual([...(await handshake(bytes(5, 1, 0, 3, name.length, ...name, network.tripwirePort >> 8, network.tripwirePort & 255)))], [5, 2, 1, 0, ...reply(2)])
    assert.equal(network.tripwireConnections(), 0)
  })

  it('answers 0x04 for a name that resolves to nothing and 0x05 for a refused connection', async () => {
    const name = Buffer.from('nowhere.test')
    assert.deepEqual([...(await handshake(bytes(5, 1, 0, 3, name.length, ...name, 0, 80)))], [5, 2, 1, 0, ...reply(4)])
    assert.deepEqual([...(await handshake(connectTo([127, 0, 0, 1], refusedPort)))], [5, 2, 1, 0, ...reply(5)])
  })

  it('connects to an IPv6 literal (ATYP 4) with curl --socks5-hostname', async () => {
    const result = await curl(['--socks5-hostname', (network.gateway.socks5Url ?? '').replace('socks5h://', ''), '--proxy-user', `${network.username}:${network.password}`, `http://[::1]:${ipv6Port}/file`])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
  })
})
