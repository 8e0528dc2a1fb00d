/**
 * Issue #11, live probes end to end on real sockets: a real coordinator with the hunters
 * on (a short interval), two real nodes in coordinator mode — one honest, one cheating
 * (a real node behind a front that garbles every zone body it serves) — and a buyer.
 * Each probe gets a fresh ticket of the system probe zone; the nodes fetch the fresh
 * random object from the coordinator's probe origin. The cheater's failures are stored
 * within 3 rounds and its epoch score says why; the honest node passes every probe; and
 * the probes' usage bills nobody.
 */
import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import type { RunningCoordinator } from '@meson/coordinator'
import type { RunningCoordinatorNode } from '@meson/node'
import { buyerLedgerAccount, openStores, operatorPendingLedgerAccount, readJsonField as field } from '@meson/coordinator/testing'
import type { CoordinatorStores, ProbeResult } from '@meson/coordinator/testing'
import type { AccountId } from '@meson/protocol'
import { api, fetchRaw, until } from './e2e-http.ts'
import { startRegisteredNode } from './e2e-nodes.ts'
import { startTamperingFront } from '../testing/tampering-front.ts'
import type { TamperingFront } from '../testing/tampering-front.ts'

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef'
/** Every byte costs exactly 10^9 base units, so charges never round. */
const PRICE_PER_GIB = 2n ** 30n * 10n ** 9n
const CREDIT = 10n ** 18n
const FILE = Buffer.alloc(3000, 'F')
const EPOCH_MS = 1000

describe('live probes through real nodes (SQLite, real sockets on 127.0.0.1)', () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  let front: TamperingFront
  let origin: Server
  let honest: RunningCoordinatorNode
  let cheater: RunningCoordinatorNode
  let operatorId = ''
  let buyerId = ''
  const nodes: RunningCoordinatorNode[] = []

  const resultsOf = (nodeId: string): Promise<readonly ProbeResult[]> => stores.rewards.listProbeResults(nodeId, 0, Number.MAX_SAFE_INTEGER)

  async function startNode(name: string, operatorToken: string, publicUrl?: string): Promise<RunningCoordinatorNode> {
    const flags: Record<string, string> = { coordinatorUrl: coordinator.url, operatorToken, host: '127.0.0.1', port: '0', dataDir: join(dir, name), heartbeatIntervalMs: '1000', usageFlushIntervalMs: '100', shutdownGraceMs: '1000' }
    if (publicUrl !== undefined) flags['publicUrl'] = publicUrl
    return startRegisteredNode(flags, {
      onStarted: (node) => {
        nodes.push(node)
        front.setTarget(node.url) // Only the cheater's requests ever reach the front.
      },
    })
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-live-probes-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    front = await startTamperingFront()
    origin = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(FILE.length), 'cache-control': 'public, max-age=3600' }).end(FILE)
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    const parsed = parseConfig({
      flags: {
        port: '0',
        host: '127.0.0.1',
        dataDir: join(dir, 'coordinator'),
        adminToken: ADMIN_TOKEN,
        allowSharedIp: true,
        heartbeatIntervalMs: '1000',
        usageFlushMs: '50',
        probesEnabled: 'true',
        probeIntervalMs: '300',
        // Proof of storage stays small here (tests/e2e/storage-proofs.test.ts covers it).
        storageSegmentBytes: '65536',
        storageProofMaxBytes: '262144',
        epochLengthMs: String(EPOCH_MS),
        epochCloseDelayMs: '1000',
        rewardsOneNodePerIp: 'false',
        // No emission: the operator's balance below is exactly its share of the buyer's bytes.
        emissionPerHour: '0',
        logLevel: 'silent',
      },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed))
    // Epochs are closed by the test (below), never by a timer racing it.
    coordinator = await startCoordinator(parsed.config, { logger, stores, startRewardsTimer: false, probeObjectBytes: { contentMaxBytes: 16 * 1024, speedBytes: 64 * 1024, ipfsContentMaxBytes: 16 * 1024 } })
    const operator = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'probe-operator', role: 'operator' } })
    const buyer = await api('POST', `${coordinator.url}/v1/accounts`, { token: ADMIN_TOKEN, json: { name: 'probe-buyer', role: 'buyer' } })
    operatorId = String(field(operator.body, 'account', 'id'))
    buyerId = String(field(buyer.body, 'account', 'id'))
    const buyerToken = String(field(buyer.body, 'token'))
    assert.equal((await api('POST', `${coordinator.url}/v1/admin/credits`, { token: ADMIN_TOKEN, json: { accountId: buyerId, amount: String(CREDIT) } })).status, 201)
    const originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}` // TCP: an AddressInfo.
    assert.equal((await api('POST', `${coordinator.url}/v1/zones`, { token: buyerToken, json: { name: 'site', origin: originUrl, pricePerGiB: String(PRICE_PER_GIB) } })).status, 201)
    const operatorToken = String(field(operator.body, 'token'))
    honest = await startNode('honest', operatorToken)
    cheater = await startNode('cheater', operatorToken, front.url)
  })

  after(async () => {
    for (const node of nodes) await node.stop()
    await coordinator.close()
    await stores.close()
    await front.close()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('stores the cheater\'s wrong bytes as a failed content probe within 3 rounds', async () => {
    const results = await until(() => resultsOf(cheater.nodeId), (rows) => rows.some((row) => row.kind === 'content' && row.outcome === 'fail'), 'a failed content probe of the cheater', 60_000)
    const content = results.filter((row) => row.kind === 'content')
    const firstFailure = content.findIndex((row) => row.outcome === 'fail')
    assert.ok(firstFailure >= 0 && firstFailure < 3, `caught within 3 content probes (at ${String(firstFailure)})`)
    assert.match(content[firstFailure]?.reason ?? '', /SHA-256/)
    // Its speed probes measured garbage, so they measure nothing either.
    assert.deepEqual(results.filter((row) => row.kind === 'speed' && row.outcome === 'pass'), [])
  })

  it('passes every probe of the honest node: content (whole objects and ranges), speed and reachability', async () => {
    const results = await until(() => resultsOf(honest.nodeId), (rows) => rows.filter((row) => row.kind === 'content').length >= 3, 'three content probes of the honest node', 60_000)
    assert.deepEqual(results.filter((row) => row.outcome === 'fail').map((row) => row.reason), [])
    assert.deepEqual([...new Set(results.map((row) => row.kind))].sort(), ['content', 'ipfs-content', 'reachability', 'speed', 'storage'])
    assert.equal(typeof results.find((row) => row.kind === 'speed')?.measurements['mbps'], 'number')
  })

  it('passes the honest node\'s IPFS content probes: a fresh raw block fetched by its gateway from the coordinator\'s probe upstream, bytes matching the CID', async () => {
    const results = await until(() => resultsOf(honest.nodeId), (rows) => rows.filter((row) => row.kind === 'ipfs-content').length >= 2, 'two IPFS content probes of the honest node', 60_000)
    const ipfs = results.filter((row) => row.kind === 'ipfs-content')
    assert.deepEqual(ipfs.map((row) => [row.outcome, row.reason]), ipfs.map(() => ['pass', "the block's bytes match its CID"]))
    for (const row of ipfs) {
      assert.equal(row.measurements['status'], 200)
      assert.match(String(row.measurements['sha256']), /^[0-9a-f]{64}$/)
      assert.ok(Number(row.measurements['bodyBytes']) >= 1)
    }
    assert.equal(new Set(ipfs.map((row) => row.measurements['sha256'])).size, ipfs.length, 'every probe asks for a fresh block')
  })

  it('fails the cheater\'s IPFS content probe: the block it serves does not hash to the CID', async () => {
    const results = await until(() => resultsOf(cheater.nodeId), (rows) => rows.some((row) => row.kind === 'ipfs-content'), 'an IPFS content probe of the cheater', 60_000)
    const ipfs = results.filter((row) => row.kind === 'ipfs-content')
    assert.ok(ipfs.length > 0)
    for (const row of ipfs) {
      assert.equal(row.outcome, 'fail')
      assert.match(row.reason, /SHA-256/)
    }
  })

  it('gives the cheater correctness 0 for a closed epoch with the reason, and the honest node, online in that epoch, no penalty', async () => {
    // An epoch counts a node online only with a stored heartbeat in it: on this 1 s epoch
    // scale the test waits for an epoch where the honest node's heartbeat landed.
    const explained = await until(
      async () => {
        await coordinator.rewards.closeDueEpochs()
        for (const failure of (await resultsOf(cheater.nodeId)).filter((row) => row.kind === 'content' && row.outcome === 'fail')) {
          const epochId = String(Math.floor(failure.atMs / EPOCH_MS) * EPOCH_MS)
          const cheaterScore = await coordinator.rewards.getNodeScore(cheater.nodeId, epochId)
          const honestScore = await coordinator.rewards.getNodeScore(honest.nodeId, epochId)
          if (cheaterScore !== undefined && honestScore !== undefined && !honestScore.penalties.some((penalty) => penalty.kind === 'offline')) return { cheater: cheaterScore, honest: honestScore }
        }
        return undefined
      },
      (value) => value !== undefined,
      'a closed epoch holding a failed content probe of the cheater, with the honest node online',
      60_000,
    )
    assert.ok(explained)
    assert.equal(explained.cheater.factors.correctness, 0)
    assert.equal(explained.cheater.weight, 0n)
    assert.match(explained.cheater.penalties.map((penalty) => penalty.reason).join('; '), /wrong bytes|SHA-256/)
    assert.deepEqual(explained.honest.penalties, [])
    assert.equal(explained.honest.factors.correctness, 1)
  })

  it('bills nobody for probes: the buyer pays for its own object only, and no probe line is counted as rejected', async () => {
    // Probe usage was recorded before this request's; the node's outbox sends in order,
    // so once this request is billed, every earlier probe line has been reported too.
    const redirect = await fetchRaw(`${coordinator.url}/z/site/file.bin`)
    assert.equal(redirect.status, 302)
    const location = String(redirect.headers.location)
    assert.ok(location.startsWith(`${honest.url}/`) || location.startsWith(`${front.url}/`), location)
    const served = await fetchRaw(location)
    assert.equal(served.status, 200)
    const expectedCharge = BigInt(FILE.length) * 10n ** 9n
    const balance = await until(() => coordinator.store.getBalance(buyerLedgerAccount(buyerId as AccountId)), (value) => value < CREDIT, 'the buyer billed for the object')
    assert.equal(balance, CREDIT - expectedCharge)
    assert.equal(await coordinator.store.getBalance(operatorPendingLedgerAccount(operatorId as AccountId)), (expectedCharge * 80n) / 100n)
    for (const node of [honest, cheater]) assert.deepEqual(Object.values(coordinator.metering.rejections.countsOf(node.nodeId)).filter((count) => count > 0), [])
  })
})
