/**
 * The tunnel's data connections (ADR 0011), end to end on loopback: a data hello must
 * carry the granted session's MAC and a fresh counter (forged, replayed, tampered and
 * unknown-session hellos are closed); with the pool used up streams fall back to HTTP/2
 * and the node refills the pool; a stream that never reads holds only socket buffers
 * while others flow on data connections; killing the exit's process (SIGKILL) fails its
 * stream at once.
 */
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { createServer as createHttp2Server } from 'node:http2'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { fileURLToPath } from 'node:url'
import { after, before, describe, it } from 'node:test'
import {
  buildDataHello,
  exportPrivateKeyPem,
  generateKeyPair,
  parseDataGrant,
  publicKeyToString,
  rawPublicKeyOf,
  signTunnelHello,
  TUNNEL_CHALLENGE_HEADER,
  TUNNEL_CONTROL_MAGIC,
  TUNNEL_DATA_GRANT_PATH,
  TUNNEL_HELLO_PATH,
} from '@meson/protocol'
import type { DataGrant, NodeId } from '@meson/protocol'
import { curl, FILE, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

/** Opens a TCP connection to the tunnel port and sends `bytes`; `closed` resolves when the gateway closes it. */
function dialTunnel(port: number, bytes: Uint8Array): { readonly socket: Socket; readonly closed: Promise<void> } {
  const socket = connect({ host: '127.0.0.1', port })
  socket.on('error', () => undefined)
  socket.write(bytes)
  return { socket, closed: new Promise((resolve) => socket.once('close', () => resolve())) }
}

/** A hand-made exit's control connection: answers the hello with `node`'s key and returns the grant it receives. */
async function openControl(port: number, node: { readonly privateKey: ReturnType<typeof generateKeyPair>['privateKey']; readonly publicKey: Uint8Array; readonly nodeId: NodeId }): Promise<{ readonly grant: DataGrant; readonly socket: Socket }> {
  const socket = connect({ host: '127.0.0.1', port })
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(TUNNEL_CONTROL_MAGIC)
  const server = createHttp2Server()
  const grant = new Promise<DataGrant | undefined>((resolve) => {
    server.on('stream', (stream, headers) => {
      if (headers[':path'] === TUNNEL_HELLO_PATH) {
        const hello = signTunnelHello({ challenge: String(headers[TUNNEL_CHALLENGE_HEADER]), nodeId: node.nodeId, publicKey: publicKeyToString(node.publicKey), privateKey: node.privateKey })
        stream.respond({ ':status': 200 })
        stream.end(JSON.stringify(hello))
      } else if (headers[':path'] === TUNNEL_DATA_GRANT_PATH) {
        stream.respond({ ':status': 204 }, { endStream: true })
        resolve(parseDataGrant(headers))
      }
    })
  })
  server.emit('connection', socket)
  const received = await grant
  assert.ok(received !== undefined, 'the gateway grants data connections after the hello')
  return { grant: received, socket }
}

describe('tunnel data connections', { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({ exits: [{ country: 'de' }, { country: 'ss' }] })
  })
  after(() => network.stop())

  const exitOf = (country: string) => network.gateway.pool.list().find((exit) => exit.country === country)

  it('admits a data connection only with the session key\'s MAC and a counter not used before', { timeout: 20_000 }, async () => {
    const { privateKey } = generateKeyPair()
    const publicKey = rawPublicKeyOf(privateKey)
    const nodeId = await network.registerNode(publicKey, 'zz')
    const control = await openControl(network.gateway.tunnel.port, { privateKey, publicKey, nodeId })
    await waitFor(() => exitOf('zz') !== undefined, 'the hand-made exit to join the pool')
    const tunnel = exitOf('zz')?.tunnel
    assert.ok(tunnel !== undefined)
    const port = network.gateway.tunnel.port

    const first = dialTunnel(port, buildDataHello(control.grant, 0))
    await waitFor(() => tunnel.idleDataConnections === 1, 'the genuine data connection to be admitted')

    const refused: Uint8Array[] = [
      buildDataHello(control.grant, 0), // replayed counter
      buildDataHello({ sessionId: control.grant.sessionId, key: randomBytes(32) }, 1), // forged: another key
      buildDataHello({ sessionId: randomBytes(16), key: control.grant.key }, 2), // unknown session
      Buffer.concat([buildDataHello(control.grant, 3).subarray(0, 27), Uint8Array.of(4), buildDataHello(control.grant, 3).subarray(28)]), // counter changed under the MAC
      Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'.padEnd(80, ' ')), // not a tunnel connection at all
    ]
    for (const hello of refused) await dialTunnel(port, hello).closed
    assert.equal(tunnel.idleDataConnections, 1)

    const second = dialTunnel(port, buildDataHello(control.grant, 5))
    await waitFor(() => tunnel.idleDataConnections === 2, 'a fresh counter to be admitted')
    control.socket.destroy()
    // The control connection gone, its data connections go with it.
    await Promise.all([first.closed, second.closed])
    await waitFor(() => exitOf('zz') === undefined, 'the exit to leave the pool')
  })

  it('keeps other streams flowing on data connections while one never reads', { timeout: 60_000 }, async () => {
    const tunnel = exitOf('ss')?.tunnel
    assert.ok(tunnel !== undefined)
    await waitFor(() => tunnel.idleDataConnections > 0, 'idle data connections')
    const socksPort = Number((network.gateway.socks5Url ?? '').split(':').at(-1))
    const stalled = connect({ host: '127.0.0.1', port: socksPort })
    stalled.on('error', () => undefined)
    const user = Buffer.from(`${network.username}-country-ss`)
    const pass = Buffer.from(network.password)
    stalled.write(Buffer.concat([Uint8Array.of(5, 1, 2, 1, user.length), user, Uint8Array.of(pass.length), pass, Uint8Array.of(5, 1, 0, 1, 127, 0, 0, 1, network.targetPort >> 8, network.targetPort & 255)]))
    stalled.write('GET /big HTTP/1.1\r\nHost: x\r\n\r\n')
    stalled.pause()
    await waitFor(() => network.bigBytesWritten() > 0, 'the big response to start')
    for (let round = 0; round < 5; round += 1) {
      await waitFor(() => tunnel.idleDataConnections > 0, 'an idle data connection for the next stream')
      const result = await curl(['--proxy', network.gateway.httpUrl ?? '', '--proxy-user', `${network.username}-country-ss:${network.password}`, `http://127.0.0.1:${network.targetPort}/file`])
      assert.equal(result.exitCode, 0, result.stderr)
      assert.ok(result.stdout.equals(FILE))
    }
    assert.ok(network.bigBytesWritten() < 64 * 1024 * 1024, `${network.bigBytesWritten()} bytes written for a reader that never reads`)
    stalled.destroy()
  })
})

describe('an exhausted data-connection pool', { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({ exits: [{ country: 'de' }], dataConnections: { idle: 1, max: 1 } })
  })
  after(() => network.stop())

  it('falls back to HTTP/2 streams, and the node refills the pool when a data connection frees', { timeout: 60_000 }, async () => {
    const tunnel = network.gateway.pool.list()[0]?.tunnel
    const client = network.exits[0]?.client
    assert.ok(tunnel !== undefined && client !== undefined)
    await waitFor(() => tunnel.idleDataConnections === 1, 'the one data connection')
    const http = network.gateway.httpUrl ?? ''
    const auth = `${network.username}:${network.password}`
    // Hold the only data connection with a download read slowly.
    const held = curl(['--proxy', http, '--proxy-user', auth, '--limit-rate', '256K', '--max-time', '3', '--output', '/dev/null', `http://127.0.0.1:${network.targetPort}/big`])
    await waitFor(() => network.bigBytesWritten() > 0 && tunnel.idleDataConnections === 0, 'the download to take the data connection')
    for (let round = 0; round < 3; round += 1) {
      assert.equal(client.idleDataConnections, 0, 'the node is at its limit: no data connection to use')
      const result = await curl(['--proxy', http, '--proxy-user', auth, `http://127.0.0.1:${network.targetPort}/file`])
      assert.equal(result.exitCode, 0, result.stderr)
      assert.ok(result.stdout.equals(FILE))
    }
    await held
    await waitFor(() => tunnel.idleDataConnections === 1, 'the node to dial a fresh data connection')
  })
})

describe('an exit process killed mid-stream', { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({ exits: [] })
  })
  after(() => network.stop())

  it('fails the stream on its data connection at once, and the exit leaves the pool', { timeout: 60_000 }, async () => {
    const { privateKey } = generateKeyPair()
    const nodeId = await network.registerNode(rawPublicKeyOf(privateKey), 'kk')
    const child = spawn(process.execPath, [fileURLToPath(new URL('../testing/exit-child.ts', import.meta.url))], {
      env: { ...process.env, EXIT_PRIVATE_KEY: exportPrivateKeyPem(privateKey), TUNNEL_PORT: String(network.gateway.tunnel.port), ALLOW_PORTS: String(network.targetPort) },
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
    try {
      await waitFor(() => (network.gateway.pool.list().find((exit) => exit.nodeId === nodeId)?.tunnel.idleDataConnections ?? 0) > 0, 'the child exit and its data connections')
      const writtenBefore = network.bigBytesWritten()
      const download = curl(['--fail', '--proxy', network.gateway.httpUrl ?? '', '--proxy-user', `${network.username}-country-kk:${network.password}`, '--limit-rate', '1M', '--output', '/dev/null', `http://127.0.0.1:${network.targetPort}/big`])
      await waitFor(() => network.bigBytesWritten() > writtenBefore + 1024 * 1024, 'the download to be under way')
      child.kill('SIGKILL')
      const result = await download
      assert.notEqual(result.exitCode, 0, 'the download must fail, not hang until curl gives up')
      assert.doesNotMatch(result.stderr, /timed out/i)
      await waitFor(() => !network.gateway.pool.list().some((exit) => exit.nodeId === nodeId), 'the exit to leave the pool')
    } finally {
      child.kill('SIGKILL')
      await exited
    }
  })
})
