/**
 * Issue #11, reachability of a proxy exit: each probe round of a node that is a proxy
 * exit opens a stream through its tunnel to the coordinator's own probe origin and checks
 * the fresh object's bytes. An exit that carries it passes; an exit whose policy refuses
 * the coordinator's address fails with the reason; a node that is no exit gets no
 * tunnel probe. A failed tunnel probe counts as failed reachability in the epoch.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { generateKeyPair, nodeIdFromPublicKey, publicKeyToString, rawPublicKeyOf } from '@meson/protocol'
import type { AccountId, NodeId } from '@meson/protocol'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import { openStores, readJsonField as field } from '@meson/coordinator/testing'
import type { CoordinatorStores, ProbeResult } from '@meson/coordinator/testing'
import { ProxyTunnelClient } from '@meson/node/testing'
import { api, until } from './e2e-http.ts'

const ADMIN_TOKEN = 'tunnel-probe-admin-token-0123456789'

describe('the tunnel probe of proxy exits (SQLite, real sockets on 127.0.0.1)', () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  const exits: ProxyTunnelClient[] = []
  const ids: Record<'open' | 'closed' | 'plain', NodeId | undefined> = { open: undefined, closed: undefined, plain: undefined }

  const tunnelResults = async (nodeId: NodeId | undefined): Promise<readonly ProbeResult[]> =>
    (await stores.rewards.listProbeResults(String(nodeId), 0, Number.MAX_SAFE_INTEGER)).filter((row) => row.kind === 'tunnel')

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-tunnel-probe-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    const parsed = parseConfig({
      flags: { port: '0', host: '127.0.0.1', dataDir: join(dir, 'coordinator'), adminToken: ADMIN_TOKEN, logLevel: 'silent', allowSharedIp: true, proxyHttpPort: '0', proxySocksPort: '0', proxyTunnelPort: '0', probesEnabled: 'true', probeIntervalMs: '300', storageProofsEnabled: 'false' },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.error.message)
    coordinator = await startCoordinator(parsed.config, { logger, stores, startFleetTimers: false, startRewardsTimer: false, probeObjectBytes: { contentMaxBytes: 1024, speedBytes: 4096, ipfsContentMaxBytes: 0 } })
    const proxy = coordinator.proxy
    assert.ok(proxy !== undefined)
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'exit-operator', role: 'operator' } })
    const operatorId = String(field(operator.body, 'account', 'id')) as AccountId
    const coordinatorPort = Number(new URL(coordinator.url).port)
    for (const name of ['open', 'closed', 'plain'] as const) {
      // The node records go straight into the fleet (registration has its own tests).
      const { privateKey } = generateKeyPair()
      const publicKey = rawPublicKeyOf(privateKey)
      const nodeId = nodeIdFromPublicKey(publicKey)
      ids[name] = nodeId
      const capabilities: ('cdn' | 'proxy')[] = name === 'plain' ? ['cdn'] : ['cdn', 'proxy']
      coordinator.fleet.registry.upsert({ id: nodeId, operatorId, publicKey: publicKeyToString(publicKey), publicUrl: 'http://127.0.0.1:9', version: '0.1.0', status: 'active', publicIp: '127.0.0.1', diskQuotaBytes: 0n, declaredUplinkMbps: 0, capabilities, isReachable: false, registeredAt: new Date(), lastHeartbeatAt: null }, Date.now())
      if (name === 'plain') continue
      // Loopback is closed to exits unless allowed: the open exit allows the coordinator's port, the closed one does not.
      const allow = name === 'open' ? [{ address: '127.0.0.1', port: coordinatorPort }] : []
      const exit = new ProxyTunnelClient({ gateway: proxy.tunnel, identity: { nodeId, publicKey, privateKey }, policy: { blockedPorts: [25], allow } })
      exit.start()
      exits.push(exit)
    }
    await until(() => Promise.resolve(proxy.pool.size), (size) => size === 2, 'both exits connected')
  })

  after(async () => {
    for (const exit of exits) await exit.stop()
    await coordinator.close()
    await stores.close()
    await rm(dir, { recursive: true, force: true })
  })

  it('passes an exit whose tunnel carries the probe stream, with matching bytes', async () => {
    const rows = await until(() => tunnelResults(ids.open), (found) => found.length >= 2, 'two tunnel probes of the open exit', 30_000)
    assert.deepEqual(rows.map((row) => [row.outcome, row.reason]), rows.map(() => ['pass', 'the proxy tunnel carried a probe stream; its bytes match']))
    const [first, second] = rows
    assert.ok(first !== undefined && second !== undefined)
    assert.equal(first.measurements['status'], 200)
    assert.notEqual(first.measurements['sha256'], second.measurements['sha256'], 'a fresh object every time')
  })

  it('fails an exit that cannot carry the stream, with the reason, and probes no tunnel of a node that is no exit', async () => {
    const rows = await until(() => tunnelResults(ids.closed), (found) => found.length >= 1, 'a tunnel probe of the closed exit', 30_000)
    const first = rows.at(0)
    assert.ok(first)
    assert.equal(first.outcome, 'fail')
    assert.match(first.reason, /did not open a stream to the coordinator \(\w[\w-]*\)/)
    const plainRounds = await until(() => stores.rewards.listProbeResults(String(ids.plain), 0, Number.MAX_SAFE_INTEGER), (found) => found.some((row) => row.kind === 'reachability'), 'a round of the plain node', 30_000)
    assert.deepEqual(plainRounds.filter((row) => row.kind === 'tunnel'), [])
  })
})
