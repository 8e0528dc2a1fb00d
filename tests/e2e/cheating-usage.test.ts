/**
 * Issue #11, implausible usage end to end on real sockets: a real coordinator (SQLite)
 * and four real nodes in coordinator mode, each of its own operator — one honest, and
 * three that serve honestly but lie in their signed usage reports through the cheating
 * harness of `@meson/node/testing`: one inflates its bytes ×10, one replays each line in
 * later batches, one adds a line on a ticket it minted. The coordinator learns each
 * object's size from the origin (HEAD) before it applies a batch. The buyer pays for
 * what the objects can be and no more; replayed and minted lines bill nothing and are
 * counted; the inflater and the minter earn 0 for their epoch (usage held, correctness
 * 0) with the reason in `GET /v1/nodes/:id/score`; the honest operator's earnings add up
 * exactly.
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
import type { UsageCheats } from '@meson/node/testing'
import { buyerLedgerAccount, openStores, operatorHeldLedgerAccount, operatorPendingLedgerAccount, readJsonField as field } from '@meson/coordinator/testing'
import type { CoordinatorStores } from '@meson/coordinator/testing'
import type { AccountId } from '@meson/protocol'
import { api, fetchRaw, until } from './e2e-http.ts'
import { allowanceOf, CREDIT, createBuyerWithZone, PER_BYTE, startOperatorNode } from './usage-e2e-network.ts'
import type { OperatorNode } from './usage-e2e-network.ts'

const ADMIN_TOKEN = 'e2e-admin-token-0123456789abcdef'
const SIZE = 65_536
const FILE = Buffer.alloc(SIZE, 'F')
/** What one response may bill (the defaults). */
const ALLOWANCE = allowanceOf(SIZE)
const EPOCH_MS = 1000

type Role = 'honest' | 'inflater' | 'replayer' | 'minter'
const CHEATS: Record<Role, UsageCheats | undefined> = { honest: undefined, inflater: { inflateBytesBy: 10n }, replayer: { replayEachLine: 2 }, minter: { mintTickets: true } }
/** How many distinct objects each node serves, one after the other. */
const OBJECTS: Record<Role, number> = { honest: 2, inflater: 1, replayer: 3, minter: 1 }
const ROLES = Object.keys(CHEATS) as Role[]

type Actor = OperatorNode

describe('cheating usage reports through real nodes (SQLite, real sockets on 127.0.0.1)', () => {
  let dir = ''
  let stores: CoordinatorStores
  let coordinator: RunningCoordinator
  let origin: Server
  let buyerId = '' as AccountId
  const actors = new Map<Role, Actor>()
  const originHeads: string[] = []
  /** When each node's last batch was billed (the flag of a cheater is stored then). */
  const billedAt = new Map<Role, number>()
  /** The honest node's objects, as `/z/site/<object>` (served and billed in before()). */
  const honestPaths: string[] = []

  const actor = (role: Role): Actor => {
    const found = actors.get(role)
    assert.ok(found, role)
    return found
  }
  const balance = (account: string): Promise<bigint> => coordinator.store.getBalance(account)
  const pendingOf = (role: Role): Promise<bigint> => balance(operatorPendingLedgerAccount(actor(role).operatorId))
  const rejectedOf = (role: Role) => coordinator.metering.rejections.countsOf(actor(role).node.nodeId)

  async function startActor(role: Role): Promise<void> {
    const started = await startOperatorNode(coordinator, ADMIN_TOKEN, dir, role, CHEATS[role])
    actors.set(role, started)
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'meson-cheating-usage-'))
    const logger = createLogger({ level: 'silent' })
    stores = await openStores({ url: `sqlite:${join(dir, 'coordinator.db')}`, logger })
    origin = createServer((request, response) => {
      const answer = (): void => void response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(SIZE), 'cache-control': 'public, max-age=3600' }).end(FILE)
      if (request.method !== 'HEAD') return answer()
      originHeads.push(request.url ?? '')
      // A slow HEAD (more than half an epoch): a batch is received in one epoch and often
      // posted in the next; its flag must hold the earnings of the epoch they were posted in.
      setTimeout(answer, (EPOCH_MS * 3) / 5)
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
        epochLengthMs: String(EPOCH_MS),
        epochCloseDelayMs: '1000',
        rewardsOneNodePerIp: 'false',
        // No emission: every operator's earnings are exactly 80 % of its billed bytes.
        emissionPerHour: '0',
        logLevel: 'silent',
      },
    })
    assert.ok(parsed.ok, parsed.ok ? '' : JSON.stringify(parsed))
    // Epochs are closed by the test, never by a timer racing it.
    coordinator = await startCoordinator(parsed.config, { logger, stores, startRewardsTimer: false })
    // A fresh network's first closed epoch is the first whole one after its start: usage
    // billed in the epoch it started in is never in an epoch's payouts. Bill after it.
    const firstWholeEpoch = (Math.floor(Date.now() / EPOCH_MS) + 1) * EPOCH_MS
    await until(() => Promise.resolve(Date.now()), (now) => now >= firstWholeEpoch, 'the first whole epoch')
    const originUrl = `http://127.0.0.1:${String((origin.address() as AddressInfo).port)}` // TCP: an AddressInfo.
    buyerId = await createBuyerWithZone(coordinator, ADMIN_TOKEN, originUrl)
    for (const role of ROLES) await startActor(role)

    // Rendezvous hashing picks each object's node: find objects that land on each node.
    const wanted = new Map<Role, string[]>(ROLES.map((role) => [role, []]))
    for (let index = 0; index < 400 && ROLES.some((role) => (wanted.get(role)?.length ?? 0) < OBJECTS[role]); index += 1) {
      const redirect = await fetchRaw(`${coordinator.url}/z/site/object-${String(index)}.bin`)
      assert.equal(redirect.status, 302)
      const location = String(redirect.headers.location)
      const role = ROLES.find((candidate) => location.startsWith(`${actor(candidate).node.url}/`))
      assert.ok(role, location)
      const list = wanted.get(role) ?? []
      if (list.length < OBJECTS[role]) list.push(location)
    }
    for (const location of wanted.get('honest') ?? []) honestPaths.push(new URL(location).pathname)
    // Each transfer, then its billing, one after the other: one object's usage per batch.
    for (const role of ROLES) {
      for (const [index, location] of (wanted.get(role) ?? []).entries()) {
        const before = await pendingOf(role)
        const served = await fetchRaw(location)
        assert.equal(served.status, 200)
        assert.equal(served.body.length, SIZE)
        await until(() => pendingOf(role), (value) => value > before, `${role}'s object ${String(index)} billed`)
        billedAt.set(role, Date.now())
      }
    }
    // The replayer's last batch carries replays of both earlier lines.
    await until(() => Promise.resolve(rejectedOf('replayer').replayed), (count) => count >= 3, "the replayer's replays refused")
  })

  after(async () => {
    for (const { node } of actors.values()) await node.stop()
    await coordinator.close()
    await stores.close()
    await new Promise<void>((resolve) => origin.close(() => resolve()))
    await rm(dir, { recursive: true, force: true })
  })

  it("learns the objects' sizes from the origin itself (one HEAD per object)", () => {
    assert.equal(originHeads.length, 7)
    assert.equal(new Set(originHeads).size, 7)
  })

  it('bills the buyer for what the objects can be: the inflated excess, the replays and the minted line bill nothing', async () => {
    const billedBytes = BigInt(SIZE) * 2n + ALLOWANCE + BigInt(SIZE) * 3n + BigInt(SIZE)
    assert.equal(await balance(buyerLedgerAccount(buyerId)), CREDIT - billedBytes * PER_BYTE)
  })

  it('refuses and counts each kind of lie: implausible bytes, replayed lines, minted tickets; nothing from the honest node', () => {
    assert.deepEqual(Object.entries(rejectedOf('honest')).filter(([, count]) => count > 0), [])
    assert.deepEqual(Object.entries(rejectedOf('inflater')).filter(([, count]) => count > 0), [['implausible-bytes', 1]])
    assert.deepEqual(Object.entries(rejectedOf('replayer')).filter(([, count]) => count > 0), [['replayed', 3]])
    assert.deepEqual(Object.entries(rejectedOf('minter')).filter(([, count]) => count > 0), [['forged-ticket', 1]])
  })

  it('gives the inflater and the minter 0 for their epoch, with the reason in GET /v1/nodes/:id/score; the honest and replaying operators are paid exactly what they served', async () => {
    const lastBilled = Math.max(...billedAt.values())
    await until(
      async () => {
        await coordinator.rewards.closeDueEpochs()
        return (await stores.rewards.latestEpoch())?.endMs ?? 0
      },
      (endMs) => endMs > lastBilled,
      'every epoch with usage closed',
      30_000,
    )
    const flags = new Map<Role, { epochId: string; reason: string }>()
    for (const role of ['inflater', 'minter'] as const) {
      const results = await stores.rewards.listProbeResults(actor(role).node.nodeId, 0, Number.MAX_SAFE_INTEGER)
      const usage = results.filter((result) => result.kind === 'usage' && result.outcome === 'fail')
      assert.equal(usage.length, 1, role)
      const [flag] = usage
      assert.ok(flag)
      flags.set(role, { epochId: String(Math.floor(flag.atMs / EPOCH_MS) * EPOCH_MS), reason: flag.reason })
    }
    assert.match(flags.get('inflater')?.reason ?? '', new RegExp(`reported ${String(SIZE * 10)} bytes for 1 response\\(s\\) of site/object-\\d+\\.bin, whose size at the origin is ${String(SIZE)} bytes`))
    assert.match(flags.get('minter')?.reason ?? '', /forged-ticket/)

    const expectedHeld: Record<'inflater' | 'minter', bigint> = { inflater: (ALLOWANCE * PER_BYTE * 80n) / 100n, minter: (BigInt(SIZE) * PER_BYTE * 80n) / 100n }
    for (const role of ['inflater', 'minter'] as const) {
      const { epochId, reason } = flags.get(role) ?? { epochId: '', reason: '' }
      const answer = await api('GET', `${coordinator.url}/v1/nodes/${actor(role).node.nodeId}/score?epoch=${epochId}`, { token: actor(role).operatorToken })
      assert.equal(answer.status, 200, JSON.stringify(answer.body))
      assert.equal(field(answer.body, 'score'), 0)
      assert.equal(field(answer.body, 'weight'), '0')
      const penalties = field(answer.body, 'penalties') as { kind: string; reason: string; epochId: string }[]
      assert.ok(penalties.some((penalty) => penalty.kind === 'usage-implausible' && penalty.epochId === epochId && penalty.reason === reason), JSON.stringify(penalties))
      const payout = (await stores.rewards.listEpochPayouts(epochId)).find((row) => row.operatorId === actor(role).operatorId && row.source === 'usage')
      assert.ok(payout, `${role}'s usage payout`)
      assert.equal(payout.amount, expectedHeld[role])
      assert.match(payout.heldReason ?? '', new RegExp(`node ${actor(role).node.nodeId}: `))
      // Everything it earned moved to `:held`, never claimable: it earns 0.
      assert.equal(await pendingOf(role), 0n)
      assert.equal(await balance(operatorHeldLedgerAccount(actor(role).operatorId)), expectedHeld[role])
    }

    for (const role of ['honest', 'replayer'] as const) {
      const served = BigInt(SIZE * OBJECTS[role])
      const expected = (served * PER_BYTE * 80n) / 100n
      assert.equal(await pendingOf(role), expected, role)
      assert.equal(await balance(operatorHeldLedgerAccount(actor(role).operatorId)), 0n)
      const earnings = await stores.rewards.listEarnings(actor(role).operatorId, 100)
      assert.equal(earnings.filter((row) => row.source === 'usage').reduce((sum, row) => sum + row.amount, 0n), expected, `${role}'s epoch payouts add up`)
      assert.deepEqual(earnings.filter((row) => row.heldReason !== null), [])
    }
  })

  it("sizes a new ticket's byte budget by the object's size at the origin: a client fetching again on it gets one more response, then a fresh ticket", async () => {
    const budgetOf = async (path: string): Promise<{ location: string; byteBudget: string }> => {
      const redirect = await fetchRaw(`${coordinator.url}${path}`)
      assert.equal(redirect.status, 302)
      const location = String(redirect.headers.location)
      const token = new URL(location).searchParams.get('mt') ?? ''
      return { location, byteBudget: String(field(JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString('utf8')), 'byteBudget')) }
    }
    const [path] = honestPaths
    assert.ok(path)
    const sized = await budgetOf(path)
    assert.equal(sized.byteBudget, String(ALLOWANCE), 'one whole response: size + 10 % + 512 B')
    assert.equal((await budgetOf('/z/site/never-measured.bin')).byteBudget, String(2n ** 30n), 'an object not measured keeps the configured budget')
    assert.equal((await budgetOf(`${path}?v=2`)).byteBudget, String(2n ** 30n), 'another representation (a query) keeps the configured budget')

    for (const attempt of [1, 2]) {
      const served = await fetchRaw(sized.location)
      assert.equal(served.status, 200, `response ${String(attempt)} on the sized ticket`)
      assert.equal(served.body.length, SIZE)
    }
    const bounced = await fetchRaw(sized.location)
    assert.equal(bounced.status, 302, 'the spent ticket is bounced to the redirector')
    assert.ok(String(bounced.headers.location).startsWith(`${coordinator.url}${path}`), String(bounced.headers.location))
  })
})
