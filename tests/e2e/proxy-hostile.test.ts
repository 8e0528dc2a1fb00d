/**
 * Issue #10's hostile cases, end to end on loopback: wrong password, unknown account,
 * malformed SOCKS, oversized CONNECT lines, loopback spellings aimed at a port that is
 * not allow-listed (the tripwire: nothing may connect to it), a buyer with no balance,
 * a balance running out mid-connection, a stream that never reads while others flow,
 * an exit dropping mid-stream, and an exit's monthly cap (also across a restart).
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DEFAULT_EXIT_POLICY, generateKeyPair, nodeIdFromPublicKey, rawPublicKeyOf } from '@meson/protocol'
import { generateProxySecret, hashProxySecret } from '@meson/coordinator/testing'
import { ProxyTunnelClient } from '@meson/node/testing'
import { after, before, describe, it } from 'node:test'
import { curl, FILE, PRICE_PER_GIB, rawExchange, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

describe('proxy hostile cases', { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({
      exits: [{ country: 'de' }, { country: 'de' }, { country: 'mc', policy: { monthlyCapBytes: 1024n } }, { country: 'ss' }, { country: 'dd' }, { country: 'bw', policy: { bandwidthBytesPerSecond: 128 * 1024 } }],
      flushBytes: 256 * 1024,
      // Cached credentials and balances never expire here: only invalidation can refuse.
      credentialTtlMs: 3_600_000,
      balanceTtlMs: 3_600_000,
      resolve: (name) => Promise.resolve(name === 'target.test' ? ['127.0.0.1'] : name === 'rebind.test' ? ['127.0.0.1'] : []),
    })
  })
  after(() => network.stop())

  const http = (): string => network.gateway.httpUrl ?? ''
  const socks = (): string => (network.gateway.socks5Url ?? '').replace('socks5h://', '')
  const auth = (): string => `${network.username}:${network.password}`
  const target = (path: string): string => `http://127.0.0.1:${network.targetPort}${path}`

  it('answers 407 with Proxy-Authenticate for a missing or wrong password and an unknown account', async () => {
    for (const user of [undefined, `${network.username}:wrong`, 'customer-acc_NOBODY:whatever', 'nonsense:x']) {
      const result = await curl(['--proxy', http(), ...(user === undefined ? [] : ['--proxy-user', user]), '--include', target('/file')])
      const head = result.stdout.toString('latin1')
      assert.match(head, /^HTTP\/1\.1 407 /)
      assert.match(head, /Proxy-Authenticate: Basic realm="meson"/i)
    }
    const socksResult = await curl(['--socks5-hostname', socks(), '--proxy-user', `${network.username}:wrong`, target('/file')])
    assert.notEqual(socksResult.exitCode, 0)
  })

  it('closes non-SOCKS5 greetings without a reply and refuses no-auth-only clients', async () => {
    assert.equal((await rawExchange(Number(socks().split(':')[1]), Buffer.from('GET / HTTP/1.1\r\n\r\n'))).length, 0)
    assert.equal((await rawExchange(Number(socks().split(':')[1]), Uint8Array.of(4, 1, 0, 80, 127, 0, 0, 1, 0))).length, 0)
    assert.deepEqual([...(await rawExchange(Number(socks().split(':')[1]), Uint8Array.of(5, 1, 0)))], [5, 0xff])
    assert.equal((await rawExchange(Number(socks().split(':')[1]), Buffer.alloc(5000, 5))).length <= 2, true)
  })

  it('answers an oversized CONNECT line with 431 and a malformed one with 400', async () => {
    const port = Number(new URL(http()).port)
    const huge = await rawExchange(port, Buffer.from(`CONNECT ${'a'.repeat(20_000)}.example:443 HTTP/1.1\r\nHost: x\r\n\r\n`))
    assert.match(huge.toString('latin1'), /^HTTP\/1\.1 431 /)
    const junk = await rawExchange(port, Buffer.from('CONNECT \u0000\u0001 what\r\n\r\n'))
    assert.match(junk.toString('latin1'), /^HTTP\/1\.1 400 /)
  })

  it('never connects to a loopback port that is not allow-listed, whatever the spelling', async () => {
    const port = network.tripwirePort
    const spellings = ['127.0.0.1', '127.1', '2130706433', '0x7f000001', '0177.0.0.1', 'localhost', '[::1]', '[::ffff:127.0.0.1]', 'rebind.test']
    for (const host of spellings) {
      const viaHttp = await curl(['--proxytunnel', '--proxy', http(), '--proxy-user', auth(), '--include', `http://${host}:${port}/`])
      assert.notEqual(viaHttp.exitCode, 0, `CONNECT ${host}`)
      const viaPlain = await curl(['--proxy', http(), '--proxy-user', auth(), '--include', `http://${host}:${port}/`])
      assert.match(viaPlain.stdout.toString('latin1'), /^HTTP\/1\.1 (403|502) [^]*Meson-Proxy-Error: (forbidden-address|no-address)/i, `GET ${host}`)
      const viaSocks = await curl(['--socks5-hostname', socks(), '--proxy-user', auth(), `http://${host}:${port}/`])
      assert.notEqual(viaSocks.exitCode, 0, `SOCKS5 ${host}`)
    }
    assert.equal(network.tripwireConnections(), 0)
  })

  it('refuses a buyer without balance before any byte (402)', async () => {
    const poor = await network.addBuyer(0n)
    const dialsBefore = network.dials.length
    const result = await curl(['--proxy', http(), '--proxy-user', `customer-${poor.id}:${poor.password}`, '--include', target('/file')])
    assert.match(result.stdout.toString('latin1'), /^HTTP\/1\.1 402 [^]*Meson-Proxy-Error: no-balance/i)
    assert.equal(network.dials.length, dialsBefore)
  })

  it('closes a connection whose buyer runs out of balance mid-transfer', async () => {
    // Credit for about 1 MiB at the test price; /big is 256 MiB.
    const credit = (PRICE_PER_GIB / 1024n)
    const buyer = await network.addBuyer(credit)
    const result = await curl(['--proxy', http(), '--proxy-user', `customer-${buyer.id}:${buyer.password}`, '--output', '/dev/null', target('/big')])
    assert.notEqual(result.exitCode, 0)
    await waitFor(async () => (await network.balanceOf(buyer.id)) <= 0n, 'the balance to run out')
    // Overshoot is bounded by what was in flight: far less than the 256 MiB asked for.
    assert.ok((await network.balanceOf(buyer.id)) > -(PRICE_PER_GIB / 16n))
    // Admitted from the cached balance before; refused at the next connection now, though the cache entry had an hour left.
    const next = await curl(['--proxy', http(), '--proxy-user', `customer-${buyer.id}:${buyer.password}`, '--include', target('/file')])
    assert.match(next.stdout.toString('latin1'), /^HTTP\/1\.1 402 [^]*Meson-Proxy-Error: no-balance/i)
    const viaSocks = await curl(['--socks5-hostname', socks(), '--proxy-user', `customer-${buyer.id}:${buyer.password}`, target('/file')])
    assert.notEqual(viaSocks.exitCode, 0)
  })

  it('refuses a rotated proxy secret from the next connection on, though the gateway had it cached', async () => {
    const buyer = await network.addBuyer(10n ** 18n)
    const user = (password: string): string => `customer-${buyer.id}:${password}`
    const before = await curl(['--socks5-hostname', socks(), '--proxy-user', user(buyer.password), target('/file')])
    assert.equal(before.exitCode, 0, 'the old secret works (and is now cached)')
    const rotated = generateProxySecret()
    await network.gateway.proxyStore.setCredentialHash(buyer.id, hashProxySecret(rotated), Date.now())
    const old = await curl(['--proxy', http(), '--proxy-user', user(buyer.password), '--include', target('/file')])
    assert.match(old.stdout.toString('latin1'), /^HTTP\/1\.1 407 /)
    assert.notEqual((await curl(['--socks5-hostname', socks(), '--proxy-user', user(buyer.password), target('/file')])).exitCode, 0)
    const fresh = await curl(['--socks5-hostname', socks(), '--proxy-user', user(rotated), target('/file')])
    assert.equal(fresh.exitCode, 0)
    assert.ok(fresh.stdout.equals(FILE))
  })

  it('an unknown country is a 502 with a reason, never another country', async () => {
    const result = await curl(['--proxy', http(), '--proxy-user', `${network.username}-country-jp:${network.password}`, '--include', target('/file')])
    assert.match(result.stdout.toString('latin1'), /^HTTP\/1\.1 502 [^]*Meson-Proxy-Error: unknown-country/i)
  })

  it('stops an exit at its monthly cap', async () => {
    const user = `${network.username}-country-mc:${network.password}`
    const first = await curl(['--proxy', http(), '--proxy-user', user, target('/file')])
    assert.equal(first.exitCode, 0, first.stderr)
    await waitFor(() => network.exits[2]?.client.counter.bytesThisMonth(Date.now()) !== 0n, 'the exit to count')
    const second = await curl(['--proxy', http(), '--proxy-user', user, '--include', target('/file')])
    assert.match(second.stdout.toString('latin1'), /^HTTP\/1\.1 502 [^]*Meson-Proxy-Error: monthly-cap/i)
  })

  it('keeps an exit at its monthly cap across a restart (the counter is saved in the node\'s data dir)', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meson-exit-month-'))
    const { privateKey } = generateKeyPair()
    const publicKey = rawPublicKeyOf(privateKey)
    const nodeId = await network.registerNode(publicKey, 'mr')
    const startExit = (): ProxyTunnelClient => {
      const client = new ProxyTunnelClient({
        gateway: network.gateway.tunnel,
        identity: { nodeId, publicKey, privateKey },
        policy: { ...DEFAULT_EXIT_POLICY, allow: [{ address: '127.0.0.1', port: network.targetPort }], monthlyCapBytes: 1024n },
        monthFile: join(dir, 'proxy-exit-month.json'),
        backoff: { initialDelayMs: 20, maxDelayMs: 200, multiplier: 2 },
      })
      client.start()
      return client
    }
    const inPool = (): boolean => network.gateway.pool.list().some((exit) => exit.nodeId === nodeId)
    const user = `${network.username}-country-mr:${network.password}`
    let exit = startExit()
    try {
      await waitFor(inPool, 'the exit to join')
      const first = await curl(['--proxy', http(), '--proxy-user', user, target('/file')])
      assert.equal(first.exitCode, 0, first.stderr)
      await waitFor(() => exit.counter.bytesThisMonth(Date.now()) > 1024n, 'the exit to count')
      await exit.stop()
      await waitFor(() => !inPool(), 'the exit to leave')
      exit = startExit()
      await waitFor(inPool, 'the restarted exit to join')
      assert.ok(exit.counter.bytesThisMonth(Date.now()) > 1024n, 'the restarted exit remembers the month')
      const second = await curl(['--proxy', http(), '--proxy-user', user, '--include', target('/file')])
      assert.match(second.stdout.toString('latin1'), /^HTTP\/1\.1 502 [^]*Meson-Proxy-Error: monthly-cap/i)
    } finally {
      await exit.stop()
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('keeps other streams flowing while one never reads, and buffers only a window of it', async () => {
    const port = Number(socks().split(':')[1])
    const [username, password] = [`${network.username}-country-ss`, network.password]
    const stalled = connect({ host: '127.0.0.1', port })
    stalled.on('error', () => undefined)
    const user = Buffer.from(username)
    const pass = Buffer.from(password)
    stalled.write(Buffer.concat([Uint8Array.of(5, 1, 2), Uint8Array.of(1, user.length), user, Uint8Array.of(pass.length), pass, Uint8Array.of(5, 1, 0, 1, 127, 0, 0, 1, network.targetPort >> 8, network.targetPort & 255)]))
    stalled.write(`GET /big HTTP/1.1\r\nHost: x\r\n\r\n`)
    stalled.pause()
    await waitFor(() => network.bigBytesWritten() > 0, 'the big response to start')
    for (let round = 0; round < 5; round += 1) {
      const result = await curl(['--proxy', http(), '--proxy-user', `${network.username}-country-ss:${network.password}`, target('/file')])
      assert.equal(result.exitCode, 0, result.stderr)
      assert.ok(result.stdout.equals(FILE))
    }
    // 256 MiB were asked for; flow control let through only socket buffers and windows.
    assert.ok(network.bigBytesWritten() < 64 * 1024 * 1024, `${network.bigBytesWritten()} bytes written`)
    stalled.destroy()
  })

  it('passes bytes intact through an exit with a bandwidth cap', async () => {
    const result = await curl(['--proxy', http(), '--proxy-user', `${network.username}-country-bw:${network.password}`, target('/file')])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
  })

  it('refuses a tunnel from a node that is not registered (a forged hello is refused in tunnel-protocol.test.ts)', async () => {
    const { privateKey } = generateKeyPair()
    const publicKey = rawPublicKeyOf(privateKey)
    let disconnects = 0
    const stranger = new ProxyTunnelClient({
      gateway: network.gateway.tunnel,
      identity: { nodeId: nodeIdFromPublicKey(publicKey), publicKey, privateKey },
      policy: DEFAULT_EXIT_POLICY,
      backoff: { initialDelayMs: 10_000, maxDelayMs: 10_000, multiplier: 1 },
      onState: (state) => {
        if (state === 'disconnected') disconnects += 1
      },
    })
    const sizeBefore = network.gateway.pool.size
    stranger.start()
    await waitFor(() => disconnects === 1, 'the gateway to close the unknown tunnel')
    await stranger.stop()
    assert.equal(network.gateway.pool.size, sizeBefore)
    assert.ok(!network.gateway.pool.list().some((exit) => exit.nodeId === nodeIdFromPublicKey(publicKey)))
  })

  it('an exit whose tunnel drops dials again with backoff and rejoins the pool', async () => {
    const exit = network.gateway.pool.list().find((candidate) => candidate.country === 'de')
    assert.ok(exit !== undefined)
    const sizeBefore = network.gateway.pool.size
    exit.tunnel.close()
    await waitFor(() => network.gateway.pool.list().some((candidate) => candidate.nodeId === exit.nodeId && candidate.tunnel !== exit.tunnel), 'the exit to come back')
    assert.equal(network.gateway.pool.size, sizeBefore)
    const result = await curl(['--proxy', http(), '--proxy-user', `${network.username}-country-de:${network.password}`, target('/file')])
    assert.equal(result.exitCode, 0, result.stderr)
  })

  it('fails the streams of an exit that drops mid-transfer, at once', async () => {
    const exit = network.exits[4]
    assert.ok(exit !== undefined)
    const writtenBefore = network.bigBytesWritten()
    const download = curl(['--fail', '--proxy', http(), '--proxy-user', `${network.username}-country-dd:${network.password}`, '--limit-rate', '1M', '--output', '/dev/null', target('/big')])
    await waitFor(() => network.dials.includes(exit.nodeId) && network.bigBytesWritten() > writtenBefore + 1024 * 1024, 'the download to be under way')
    await exit.client.stop()
    const result = await download
    assert.notEqual(result.exitCode, 0)
  })
})
