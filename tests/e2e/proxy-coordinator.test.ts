/**
 * The proxy product through the coordinator's own wiring: config keys → gateway on its
 * ports → `POST /v1/proxy/credentials` → curl through an exit → `GET /v1/usage?product=proxy`.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createServer } from 'node:http'
import { generateKeyPair, nodeIdFromPublicKey, publicKeyToString, rawPublicKeyOf } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { readJsonField as field } from '@meson/coordinator/testing'
import { ProxyTunnelClient } from '@meson/node/testing'
import { curl, FILE, waitFor, whyNoCurl } from '../testing/proxy-network.ts'

const ADMIN_TOKEN = 'proxy-admin-token-0123456789abcdef'
const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

async function api(method: string, url: string, options: { token: string; json?: unknown }): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${options.token}`, ...(options.json === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(options.json === undefined ? {} : { body: JSON.stringify(options.json) }),
  })
  return { status: response.status, body: await response.json() }
}

describe('proxy through the coordinator', { skip }, () => {
  let dir: string
  let coordinator: RunningCoordinator
  let exit: ProxyTunnelClient
  const target = createServer((_request, response) => response.end(FILE))
  let targetPort = 0

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-proxy-'))
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', () => resolve()))
    const address = target.address()
    assert.ok(address !== null && typeof address === 'object')
    targetPort = address.port
    const parsed = parseConfig({
      flags: { port: '0', dataDir: dir, adminToken: ADMIN_TOKEN, logLevel: 'silent', proxyHttpPort: '0', proxySocksPort: '0', proxyTunnelPort: '0', proxyExitAllow: `127.0.0.1:${targetPort}` },
    })
    assert.ok(parsed.ok)
    coordinator = await startCoordinator(parsed.config, { logger: createLogger({ level: 'silent' }), startFleetTimers: false })
  })
  after(async () => {
    await exit.stop()
    await coordinator.close()
    target.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('issues credentials once, proxies, and reports proxy usage with a product field', async () => {
    const proxy = coordinator.proxy
    assert.ok(proxy !== undefined)
    const buyer = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'proxy-buyer', role: 'buyer' } })
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'proxy-operator', role: 'operator' } })
    const buyerId = String(field(buyer.body, 'account', 'id'))
    const buyerToken = String(field(buyer.body, 'token'))
    const operatorId = String(field(operator.body, 'account', 'id'))
    assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: buyerId, amount: '1000000000000000000' } })).status, 201)

    const first = await api('POST', `${coordinator.url}/v1/proxy/credentials`, { token: buyerToken })
    assert.equal(first.status, 201)
    const second = await api('POST', `${coordinator.url}/v1/proxy/credentials`, { token: buyerToken })
    assert.notEqual(field(second.body, 'password'), field(first.body, 'password'))
    assert.equal(field(second.body, 'username'), `customer-${buyerId}`)
    assert.equal(field(second.body, 'http'), proxy.httpUrl)
    assert.equal(field(second.body, 'socks5'), proxy.socks5Url)

    // The node record goes straight into the fleet (registration has its own tests); operatorId is an id the API returned.
    const { privateKey } = generateKeyPair()
    const publicKey = rawPublicKeyOf(privateKey)
    const nodeId = nodeIdFromPublicKey(publicKey)
    coordinator.fleet.registry.upsert({ id: nodeId, operatorId: operatorId as AccountId, publicKey: publicKeyToString(publicKey), publicUrl: 'http://127.0.0.1:9', version: '0.1.0', status: 'active', publicIp: '127.0.0.1', diskQuotaBytes: 0n, declaredUplinkMbps: 0, capabilities: ['proxy'], isReachable: false, registeredAt: new Date(), lastHeartbeatAt: null }, Date.now())
    exit = new ProxyTunnelClient({ gateway: proxy.tunnel, identity: { nodeId, publicKey, privateKey }, policy: { blockedPorts: [25], allow: [{ address: '127.0.0.1', port: targetPort }] } })
    exit.start()
    await waitFor(() => proxy.pool.size === 1, 'the exit to connect')

    const user = `${String(field(second.body, 'username'))}:${String(field(second.body, 'password'))}`
    const old = await curl(['--proxy', proxy.httpUrl ?? '', '--proxy-user', `${String(field(first.body, 'username'))}:${String(field(first.body, 'password'))}`, '--include', `http://127.0.0.1:${targetPort}/`])
    assert.match(old.stdout.toString('latin1'), /^HTTP\/1\.1 407 /)
    const result = await curl(['--socks5-hostname', (proxy.socks5Url ?? '').replace('socks5h://', ''), '--proxy-user', user, `http://127.0.0.1:${targetPort}/`])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))

    let rows: unknown
    await waitFor(async () => {
      rows = field((await api('GET', `${coordinator.url}/v1/usage?product=proxy`, { token: buyerToken })).body, 'rows')
      return Array.isArray(rows) && rows.length === 1
    }, 'proxy usage')
    assert.ok(Array.isArray(rows))
    assert.equal(field(rows[0], 'product'), 'proxy')
    assert.ok(BigInt(String(field(rows[0], 'bytes'))) > BigInt(FILE.length))
    const cdnOnly = field((await api('GET', `${coordinator.url}/v1/usage?product=cdn`, { token: buyerToken })).body, 'rows')
    assert.deepEqual(cdnOnly, [])
  })
})
