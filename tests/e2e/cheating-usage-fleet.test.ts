/**
 * Issue #11, implausible usage judged by the fleet, end to end on real sockets: the
 * zone's origin will not tell an object's size (HEAD refused, ranges ignored, chunked
 * bodies), so the coordinator cannot measure it and must size it by what the *other*
 * nodes that served it reported (their median bytes per response, from at least 3 of
 * them; ADR 0012). Three honest nodes serve one object, then a fourth node serves it and
 * reports ×10 through the cheating harness: the buyer pays for what the object can be,
 * the excess is refused as `implausible-bytes`, and the node is flagged with the fleet's
 * figure as the reason. A fifth, honest node serving after the inflater is not flagged:
 * the inflater's one vote does not move the median. The flag's first delivery fails (as
 * if the coordinator died right after the batch committed); it is kept with the batch
 * and delivered when the coordinator starts again.
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
import { buyerLedgerAccount, openStores, operatorPendingLedgerAccount } from '@meson/coordinator/testing'
import type { CoordinatorStores } from '@meson/coordinator/testing'
import { newTicketNonce } from '@meson/protocol'
import type { AccountId, Ticket } from '@meson/protocol'
import { fetchRaw, until } from './e2e-http.ts'
import { allowanceOf, CREDIT, createBuyerWithZone, PER_BYTE, startOperatorNode } from './usage-e2e-network.ts'
import type { OperatorNode } from './usage-e2e-network.ts'

const ADMIN_TOKEN = 'e2e-admin-token-fleet-median-0123456'
const SIZE = 40_000
const BODY = Buffer.alloc(SIZE, 'M')
/** What one response may bill once the fleet knows the size (the defaults). */
const ALLOWANCE = allowanceOf(SIZE)
const OBJECT = '/shared.bin'

/** In the order they serve the one object. */
const ROLES = ['first', 'second', 'third', 'inflater', 'after'] as const
type Role = (typeof ROLES)[number]

describe("cheating usage judged by the fleet's median, through real nodes (SQLite, 127.0.0.1)", () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  let origin: Server
  let buyerId = '' as AccountId
  const nodes = new Map<Role, OperatorNode>()
  const originRequests: string[] = []
  let parsedConfig: Extract<ReturnType<typeof parseConfig>, { ok: true }>['config'] | undefined
  /** The inflater's flags stored before the coordinator restarted (its first delivery failed). */
  let flagsBeforeRestart = -1

  const actor = (role: Role): OperatorNode => {
    const found = nodes.get(role)
    assert.ok(found, role)
    return found
  }
  const balance = (account: string): Promise<bigint> => coordinator.store.getBalance(account)
  const pendingOf = (role: Role): Promise<bigint> => balance(operatorPendingLedgerAccount(actor(role).operatorId))
  const rejectedOf = (role: Role) => coordinator.metering.rejections.countsOf(actor(role).node.nodeId)

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-fleet-median-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    // The first coordinator never manages to store a usage flag: the batch commits, its flag is lost in flight.
    const rewardsStore = stores.rewards
    const save = rewardsStore.saveProbeResults.bind(rewardsStore)
    let isFirstCoordinator = true
    rewardsStore.saveProbeResults = (results) => (isFirstCoordinator && results.some((result) => result.kind === 'usage') ? Promise.reject(new Error('the coordinator died here')) : save(results))
    // An origin that never tells a size: HEAD is refused, a range is ignored, bodies are chunked.
    origin = createServer((request, response) => {
      originRequests.push(`${request.method ?? ''} ${request.headers.range ?? ''}`)
      if (request.method === 'HEAD') return void response.writeHead(405, { allow: 'GET', 'content-length': '0' }).end()
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'transfer-encoding': 'chunked', 'cache-control': 'public, max-age=3600' })
      response.write(BODY.subarray(0, SIZE / 2))
      response.end(BODY.subarray(SIZE / 2))
    })
    await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve))
    const parsed = parseConfig({
      flags: { port: '0', host: '127.0.0.1', dataDir: join(dir, 'coordinator'), adminToken: ADMIN_TOKEN, allowSharedIp: true, heartbeatIntervalMs: '1000', usageFlushMs: '50', rewardsOneNodePerIp: 'false', logLevel: 'silent' },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed))
    parsedConfig = parsed.config
    coordinator = await startCoordinator(parsed.config, { logger, stores, startRewardsTimer: false })
    const originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}` // TCP: an AddressInfo.
    buyerId = await createBuyerWithZone(coordinator, ADMIN_TOKEN, originUrl)

    for (const role of ROLES) nodes.set(role, await startOperatorNode(coordinator, ADMIN_TOKEN, dir, role, role === 'inflater' ? { inflateBytesBy: 10n } : undefined))

    // The redirector sends one object to one node; the coordinator's own issuer gives each
    // of the others a ticket for the same object (as it would after the first one left).
    await until(() => Promise.resolve(coordinator.fleet.listNodes().length), (count) => count === ROLES.length, 'every node routable')
    const redirect = await fetchRaw(`${coordinator.url}/z/site${OBJECT}`)
    assert.equal(redirect.status, 302)
    const token = new URL(String(redirect.headers.location)).searchParams.get('mt') ?? ''
    const issued = JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')) as Ticket
    const { v: _version, kid: _keyId, ...claims } = issued
    for (const role of ROLES) {
      const { node } = actor(role)
      const ticket = coordinator.fleet.signTicket({ ...claims, nodeId: node.nodeId, nonce: newTicketNonce() })
      const before = { pending: await pendingOf(role), rejected: Object.values(rejectedOf(role)).reduce((sum, count) => sum + count, 0) }
      const served = await fetchRaw(`${node.url}/z/site${OBJECT}?mt=${ticket}`)
      assert.equal(served.status, 200, role)
      assert.ok(served.body.equals(BODY), role)
      await until(
        async () => ({ pending: await pendingOf(role), rejected: Object.values(rejectedOf(role)).reduce((sum, count) => sum + count, 0) }),
        (now) => now.pending > before.pending || now.rejected > before.rejected,
        `${role}'s usage judged`,
      )
    }
    flagsBeforeRestart = (await stores.rewards.listProbeResults(actor('inflater').node.nodeId, 0, Number.MAX_SAFE_INTEGER)).filter((result) => result.kind === 'usage').length
    // Start again on the same database: the flag kept with the batch is delivered.
    await coordinator.close()
    isFirstCoordinator = false
    assert.ok(parsedConfig)
    coordinator = await startCoordinator(parsedConfig, { logger, stores, startRewardsTimer: false })
  })

  after(async () => {
    for (const { node } of nodes.values()) await node.stop()
    await coordinator.close()
    await stores.close()
    origin.closeAllConnections()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it('could not size the object at the origin (HEAD refused, the range ignored, no length)', () => {
    assert.ok(originRequests.includes('HEAD '), JSON.stringify(originRequests))
    assert.ok(originRequests.includes('GET bytes=0-0'), JSON.stringify(originRequests))
  })

  it('bills the buyer the honest responses and, for the inflater, what the fleet says the object is', async () => {
    const billedBytes = BigInt(SIZE) * 4n + ALLOWANCE
    assert.equal(await balance(buyerLedgerAccount(buyerId)), CREDIT - billedBytes * PER_BYTE)
  })

  it('refuses and counts the excess of the inflater only', () => {
    for (const role of ROLES) {
      const counted = Object.entries(rejectedOf(role)).filter(([, count]) => count > 0)
      assert.deepEqual(counted, role === 'inflater' ? [['implausible-bytes', 1]] : [], role)
    }
  })

  it("flags the inflater with the fleet's median as the reason, and no honest node — after a restart, though the flag's first delivery failed", async () => {
    assert.equal(flagsBeforeRestart, 0, 'the first delivery failed')
    for (const role of ROLES) {
      const results = await stores.rewards.listProbeResults(actor(role).node.nodeId, 0, Number.MAX_SAFE_INTEGER)
      const flags = results.filter((result) => result.kind === 'usage' && result.outcome === 'fail')
      if (role !== 'inflater') {
        assert.deepEqual(flags, [], role)
        continue
      }
      assert.equal(flags.length, 1)
      assert.match(flags[0]?.reason ?? '', new RegExp(`reported ${String(SIZE * 10)} bytes for 1 response\\(s\\) of site${OBJECT.replace('.', '\\.')}, whose fleet's median size is ${String(SIZE)} bytes`))
      assert.equal(flags[0]?.measurements['sizeSource'], 'fleet')
    }
  })
})
