/**
 * Issue #10's "Show it" with the real curl binary as the client: HTTP proxy (plain and
 * CONNECT) and SOCKS5 with remote DNS through gateway → tunnel → exit → a loopback
 * target that is on the allow-list; bytes intact both ways; the buyer charged and the
 * operator credited exactly for the bytes counted. Run twice: with the exits' data
 * connections (the usual carrier) and with none granted (every stream on HTTP/2).
 */
import assert from 'node:assert/strict'
import { after, before, describe, it } from 'node:test'
import { curl, FILE, OPERATOR_SHARE_PERCENT, patternBytes, startProxyNetwork, waitFor, whyNoCurl } from '../testing/proxy-network.ts'
import type { ProxyNetwork } from '../testing/proxy-network.ts'

const noCurl = await whyNoCurl()
const skip = noCurl !== undefined && process.env['CI'] !== 'true' ? noCurl : false

const CARRIERS = [
  { name: 'data connections', dataConnections: undefined },
  { name: 'HTTP/2 streams only', dataConnections: { idle: 0, max: 0 } },
] as const

for (const carrier of CARRIERS) describe(`proxy end to end with curl (${carrier.name})`, { skip }, () => {
  let network: ProxyNetwork
  before(async () => {
    network = await startProxyNetwork({ exits: [{ country: 'de' }, { country: 'de' }, { country: 'fr' }], ...(carrier.dataConnections === undefined ? {} : { dataConnections: carrier.dataConnections }) })
    if (carrier.dataConnections === undefined) await waitFor(() => network.gateway.pool.list().every((exit) => exit.tunnel.idleDataConnections > 0), 'the data connections')
  })
  after(() => network.stop())

  const auth = (): string => `${network.username}:${network.password}`
  const target = (path: string): string => `http://127.0.0.1:${network.targetPort}${path}`

  it('fetches plain HTTP through the HTTP proxy, bytes intact', async () => {
    const result = await curl(['--proxy', network.gateway.httpUrl ?? '', '--proxy-user', auth(), target('/file')])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
  })

  it('tunnels through CONNECT and sends a body up intact', async () => {
    const body = patternBytes(300_001)
    const result = await curl(['--proxytunnel', '--proxy', network.gateway.httpUrl ?? '', '--proxy-user', auth(), '--data-binary', '@-', target('/echo')], body)
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(body))
  })

  it('fetches through SOCKS5 with remote DNS (the exit resolves the name)', async () => {
    const socks = (network.gateway.socks5Url ?? '').replace('socks5h://', '')
    const result = await curl(['--socks5-hostname', socks, '--proxy-user', auth(), `http://target.test:${network.targetPort}/file`])
    assert.equal(result.exitCode, 0, result.stderr)
    assert.ok(result.stdout.equals(FILE))
  })

  it('charges the buyer and credits the operator exactly for the bytes counted', async () => {
    const before = await network.balanceOf(network.buyerId)
    const operatorBefore = await network.operatorBalance()
    const linesBefore = await network.proxyStore.listUsage({ accountId: network.buyerId, fromMs: 0, toMs: Date.now() + 60_000 })
    const result = await curl(['--proxy', network.gateway.httpUrl ?? '', '--proxy-user', auth(), target('/file')])
    assert.equal(result.exitCode, 0, result.stderr)
    let bytes = 0n
    await waitFor(async () => {
      const lines = await network.proxyStore.listUsage({ accountId: network.buyerId, fromMs: 0, toMs: Date.now() + 60_000 })
      const fresh = lines.slice(linesBefore.length)
      bytes = fresh.reduce((sum, line) => sum + line.bytesUp + line.bytesDown, 0n)
      return bytes > BigInt(FILE.length) && (await network.balanceOf(network.buyerId)) === before - bytes * 10n ** 9n
    }, 'the charge')
    const charged = before - (await network.balanceOf(network.buyerId))
    assert.equal(charged, bytes * 10n ** 9n)
    assert.equal((await network.operatorBalance()) - operatorBefore, (charged * BigInt(OPERATOR_SHARE_PERCENT)) / 100n)
  })
})
