import assert from 'node:assert/strict'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, before, describe, it } from 'node:test'
import { sql } from 'kysely'
import { encodeTicket, generateKeyPair, GIB, newTicketNonce, newUsageBatchId, nodeIdFromPublicKey, publicKeyToString, signEnvelope } from '@meson/protocol'
import type { AccountId, KeyPair, NodeId } from '@meson/protocol'
import { ensureTicketMasterKeyFile } from '../disk/ticket-master-key-file.ts'
import { CoordinatorTicketKeys } from '../../tickets/coordinator-ticket-keys.ts'
import type { TicketClaims } from '../../tickets/issue-ticket.ts'
import { parseConfig } from '../../config/parse-config.ts'
import { startCoordinator } from '../../main.ts'
import type { RunningCoordinator } from '../../main.ts'
import type { Metering } from '../../metering/metering.ts'
import { KyselyMeteringStore } from '../db/kysely-metering-store.ts'
import { createLogger } from '../log/create-logger.ts'
import { findTestStoreBackends } from '../../testing/test-store-backends.ts'
import type { TestStore, TestStoreBackend } from '../../testing/test-store-backends.ts'
import { readJsonField as field } from '../../testing/read-json-field.ts'

const ADMIN_TOKEN = 'admin-test-token-0123456789abcdef'
/** 0.05 MSN per GiB. */
const PRICE = 5n * 10n ** 16n
const TICKET_TTL_MS = 60_000
const GRACE_MS = 3_600_000

interface Answer {
  readonly status: number
  readonly body: unknown
  readonly text: string
  readonly contentType: string
}

/** A ticket as the redirector issued it, with its token. */
type TestTicket = TicketClaims & { readonly token: string }

interface TestNode {
  readonly keys: KeyPair
  readonly id: NodeId
}

function defineMeteringSuite(backend: TestStoreBackend): void {
  describe(`metering API on ${backend.name}`, { skip: backend.skipReason ?? false }, () => {
    let testStore: TestStore
    let coordinator: RunningCoordinator
    let metering: Metering
    let dataDir: string
    let nowMs = Date.UTC(2030, 0, 15, 10, 30)
    let crashBeforeCommit = false
    let buyer: { id: AccountId; token: string }
    let operator: { id: AccountId; token: string }
    let nodeA: TestNode
    let nodeB: TestNode

    async function call(method: string, path: string, options: { token?: string; json?: unknown; accept?: string } = {}): Promise<Answer> {
      const headers: Record<string, string> = {}
      if (options.token !== undefined) headers['authorization'] = `Bearer ${options.token}`
      if (options.accept !== undefined) headers['accept'] = options.accept
      let body: string | undefined
      if (options.json !== undefined) {
        body = JSON.stringify(options.json)
        headers['content-type'] = 'application/json'
      }
      const response = await fetch(`${coordinator.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
      const text = await response.text()
      const contentType = response.headers.get('content-type') ?? ''
      return { status: response.status, body: contentType.startsWith('application/json') ? JSON.parse(text) : undefined, text, contentType }
    }

    async function createAccount(name: string, role: 'buyer' | 'operator'): Promise<{ id: AccountId; token: string }> {
      const answer = await call('POST', '/v1/accounts', { token: ADMIN_TOKEN, json: { name, role } })
      assert.equal(answer.status, 201, answer.text)
      return { id: String(field(answer.body, 'account', 'id')) as AccountId, token: String(field(answer.body, 'token')) }
    }

    async function addNode(): Promise<TestNode> {
      const keys = generateKeyPair()
      const id = nodeIdFromPublicKey(keys.publicKey)
      await testStore.stores.fleet.saveNode({ id, operatorId: operator.id, publicKey: publicKeyToString(keys.publicKey), publicUrl: 'http://127.0.0.1:9', version: '1.0.0', status: 'active', publicIp: '127.0.0.1', diskQuotaBytes: 0n, declaredUplinkMbps: 1, capabilities: [], isReachable: true })
      return { keys, id }
    }

    function claimsFor(node: TestNode, options: { zone?: string; byteBudget?: bigint } = {}): TicketClaims {
      return {
        zone: options.zone ?? 'site',
        path: '/video.mp4',
        prefix: false,
        nodeId: node.id,
        client: '127.0.0.1',
        issuedAt: nowMs,
        expiresAt: nowMs + TICKET_TTL_MS,
        byteBudget: options.byteBudget ?? 10n * GIB,
        nonce: newTicketNonce(),
      }
    }

    /** Issues through the real issuer (nothing is recorded anywhere, ADR 0016). */
    function issue(node: TestNode, options: { zone?: string; byteBudget?: bigint } = {}, by: RunningCoordinator = coordinator): TestTicket {
      const claims = claimsFor(node, options)
      return { ...claims, token: by.fleet.signTicket(claims) }
    }

    function report(node: TestNode, lines: readonly { ticket: TestTicket | string; bytes: bigint; zone?: string; requests?: number }[], options: { batchId?: string; signer?: KeyPair } = {}) {
      return signEnvelope('usage-report', (options.signer ?? node.keys).privateKey, {
        batchId: options.batchId ?? newUsageBatchId(),
        nodeId: node.id,
        createdAt: nowMs,
        lines: lines.map((line) => ({
          ticketId: typeof line.ticket === 'string' ? line.ticket : line.ticket.nonce,
          zone: line.zone ?? (typeof line.ticket === 'string' ? 'site' : line.ticket.zone),
          bytes: line.bytes.toString(),
          ticket: typeof line.ticket === 'string' ? 'bm90LWEtdGlja2V0.AAAA.AAAA' : line.ticket.token,
          ...(line.requests === undefined ? {} : { requests: line.requests }),
        })),
      })
    }

    const postUsage = (envelope: unknown): Promise<Answer> => call('POST', '/v1/nodes/usage', { json: envelope })
    const balanceOf = (account: string): Promise<bigint> => coordinator.store.getBalance(account)
    const rejectedReasons = (answer: Answer): unknown[] => (field(answer.body, 'rejected') as { reason: string }[]).map((line) => line.reason)

    before(async () => {
      testStore = await backend.open()
      dataDir = await mkdtemp(join(tmpdir(), 'meson-metering-'))
      const parsed = parseConfig({ flags: { port: '0', adminToken: ADMIN_TOKEN, dataDir, usageGraceMs: String(GRACE_MS), usageFlushMs: '60000' } })
      assert.ok(parsed.ok)
      const meteringStore = new KyselyMeteringStore(testStore.database.db, {
        dialect: testStore.database.dialect,
        now: () => new Date(nowMs),
        beforeUsageCommit: () => {
          if (crashBeforeCommit) {
            crashBeforeCommit = false
            throw new Error('injected crash between the ledger posts and the commit')
          }
        },
      })
      coordinator = await startCoordinator(parsed.config, {
        stores: { ...testStore.stores, metering: meteringStore },
        now: () => nowMs,
        startFleetTimers: false,
        logger: createLogger({ level: 'silent' }),
      })
      metering = coordinator.metering
      buyer = await createAccount('Buyer', 'buyer')
      operator = await createAccount('Operator', 'operator')
      assert.equal((await call('POST', '/v1/zones', { token: buyer.token, json: { name: 'site', origin: 'https://origin.example.com', pricePerGiB: PRICE.toString() } })).status, 201)
      assert.equal((await call('POST', '/v1/admin/credits', { token: ADMIN_TOKEN, json: { accountId: buyer.id, amount: '1 MSN' } })).status, 201)
      nodeA = await addNode()
      nodeB = await addNode()
    })

    after(async () => {
      await coordinator.close()
      await testStore.dispose()
      await rm(dataDir, { recursive: true, force: true })
    })

    it('charges the buyer and credits the operator exactly for 3 GiB + 1 byte at 0.05 MSN/GiB', async () => {
      const buyerBefore = await balanceOf(`buyer:${buyer.id}`)
      const ticket = issue(nodeA)
      const answer = await postUsage(report(nodeA, [{ ticket, bytes: 3n * GIB + 1n, requests: 4 }]))
      assert.equal(answer.status, 200, answer.text)
      assert.equal(field(answer.body, 'accepted'), 1)
      assert.equal(field(answer.body, 'acceptedBytes'), (3n * GIB + 1n).toString())
      const cost = 15n * 10n ** 16n + 46_566_128n
      assert.equal(await balanceOf(`buyer:${buyer.id}`), buyerBefore - cost)
      assert.equal(await balanceOf(`operator:${operator.id}:pending`), (cost * 80n + 99n) / 100n, "the operator's share is rounded up")
      assert.equal(await balanceOf('system:protocol-fees'), cost - (cost * 80n + 99n) / 100n)
    })

    it('answers a batch id seen before with 409 and charges nothing more', async () => {
      const ticket = issue(nodeA)
      const envelope = report(nodeA, [{ ticket, bytes: GIB }])
      assert.equal((await postUsage(envelope)).status, 200)
      const balance = await balanceOf(`buyer:${buyer.id}`)
      const again = await postUsage(envelope)
      assert.equal(again.status, 409)
      assert.equal(field(again.body, 'error', 'code'), 'USAGE_BATCH_DUPLICATE')
      assert.equal(await balanceOf(`buyer:${buyer.id}`), balance)
    })

    it('applies one of several concurrent posts of the same batch', async () => {
      const ticket = issue(nodeA)
      const envelope = report(nodeA, [{ ticket, bytes: GIB }])
      const balance = await balanceOf(`buyer:${buyer.id}`)
      const answers = await Promise.all(Array.from({ length: 5 }, () => postUsage(envelope)))
      assert.deepEqual(answers.map((answer) => answer.status).sort(), [200, 409, 409, 409, 409])
      assert.equal(await balanceOf(`buyer:${buyer.id}`), balance - PRICE)
    })

    it('charges exactly once when a crash rolls back a batch and the node retries it', async () => {
      const ticket = issue(nodeA)
      const envelope = report(nodeA, [{ ticket, bytes: 2n * GIB }])
      const balance = await balanceOf(`buyer:${buyer.id}`)
      crashBeforeCommit = true
      assert.equal((await postUsage(envelope)).status, 500)
      assert.equal(await balanceOf(`buyer:${buyer.id}`), balance, 'nothing of the crashed attempt remains')
      assert.equal((await postUsage(envelope)).status, 200)
      assert.equal((await postUsage(envelope)).status, 409)
      assert.equal(await balanceOf(`buyer:${buyer.id}`), balance - 2n * PRICE)
    })

    it('rejects lines for unknown tickets, tickets of another node, and the wrong zone; counts them per node', async () => {
      const forB = issue(nodeB)
      const mine = issue(nodeA)
      const before = metering.rejectedLinesOf(nodeA.id)
      const answer = await postUsage(
        report(nodeA, [
          { ticket: newTicketNonce(), bytes: 100n },
          { ticket: forB, bytes: 100n },
          { ticket: mine, bytes: 100n, zone: 'other-zone' },
        ]),
      )
      assert.equal(answer.status, 200, answer.text)
      assert.equal(field(answer.body, 'accepted'), 0)
      assert.deepEqual(rejectedReasons(answer), ['forged-ticket', 'wrong-node', 'wrong-zone'])
      const after = metering.rejectedLinesOf(nodeA.id)
      assert.equal(after['forged-ticket'], before['forged-ticket'] + 1)
      assert.equal(after['wrong-node'], before['wrong-node'] + 1)
      assert.equal(after['wrong-zone'], before['wrong-zone'] + 1)
      const metrics = await call('GET', '/metrics')
      assert.match(metrics.text, /meson_usage_rejected_lines\{reason="wrong-node"\} [1-9]/)
    })

    it('accepts up to the byte budget across batches and rejects the excess', async () => {
      const ticket = issue(nodeA, { byteBudget: 1_000n })
      const first = await postUsage(report(nodeA, [{ ticket, bytes: 600n }]))
      assert.equal(field(first.body, 'acceptedBytes'), '600')
      const second = await postUsage(report(nodeA, [{ ticket, bytes: 600n }]))
      assert.equal(field(second.body, 'acceptedBytes'), '400')
      assert.deepEqual(field(second.body, 'rejected'), [{ ticketId: ticket.nonce, reason: 'over-budget', bytes: '200' }])
    })

    it('rejects usage arriving after expiry + grace, and still accepts it just before', async () => {
      const late = issue(nodeA)
      const onTime = issue(nodeA)
      nowMs += TICKET_TTL_MS + GRACE_MS
      const accepted = await postUsage(report(nodeA, [{ ticket: onTime, bytes: 10n }]))
      assert.equal(field(accepted.body, 'accepted'), 1)
      nowMs += 1
      const rejected = await postUsage(report(nodeA, [{ ticket: late, bytes: 10n }]))
      assert.deepEqual(rejectedReasons(rejected), ['expired'])
    })

    it('refuses a report signed by another node\'s key, an unknown node, and malformed bodies', async () => {
      const ticket = issue(nodeA)
      const forged = await postUsage(report(nodeA, [{ ticket, bytes: GIB }], { signer: nodeB.keys }))
      assert.equal(forged.status, 401)
      assert.equal(field(forged.body, 'error', 'code'), 'NODE_SIGNATURE_INVALID')
      const stranger = { keys: generateKeyPair(), id: nodeIdFromPublicKey(generateKeyPair().publicKey) }
      assert.equal((await postUsage(report(stranger, [{ ticket, bytes: 1n }]))).status, 404)
      const tampered = report(nodeA, [{ ticket, bytes: 1n }])
      const bigger = { ...tampered, payload: { ...(tampered.payload as object), lines: [{ ticketId: ticket.nonce, zone: 'site', bytes: String(GIB), ticket: ticket.token }] } }
      assert.equal((await postUsage(bigger)).status, 401)
      for (const body of [{}, { payload: {}, signature: 'x' }, [1, 2], { payload: { batchId: 'x' }, signature: '' }]) {
        const answer = await postUsage(body)
        assert.equal(answer.status, 400, answer.text)
        assert.equal(field(answer.body, 'error', 'code'), 'INVALID_USAGE_REPORT')
      }
      const twice = report(nodeA, [
        { ticket, bytes: 1n },
        { ticket, bytes: 1n },
      ])
      assert.equal((await postUsage(twice)).status, 400)
    })

    it('reports usage per zone and hour as JSON and RFC 4180 CSV, only to the owner', async () => {
      const from = new Date(Date.UTC(2030, 0, 15)).toISOString()
      const to = new Date(Date.UTC(2030, 0, 17)).toISOString()
      const json = await call('GET', `/v1/usage?zone=site&granularity=day&from=${from}&to=${to}`, { token: buyer.token })
      assert.equal(json.status, 200, json.text)
      // The route's response schema fixes this shape; the assertions below check it.
      const rows = field(json.body, 'rows') as { zone: string; bytes: string; cost: string; requests: number; byCountry: { country: string; bytes: string; requests: number }[] }[]
      const [row] = rows
      assert.ok(row)
      assert.equal(rows.length, 1)
      assert.equal(row.zone, 'site')
      assert.ok(BigInt(row.bytes) > 3n * GIB)
      // Requests the nodes counted (older lines carry none), and the same usage by the
      // country of the tickets' client (127.0.0.1 is 'local').
      assert.equal(row.requests, 4)
      assert.deepEqual(row.byCountry, [{ country: 'local', bytes: row.bytes, requests: 4 }])
      const csv = await call('GET', `/v1/usage?granularity=hour&from=${from}&to=${to}`, { token: buyer.token, accept: 'text/csv' })
      assert.match(csv.contentType, /^text\/csv/)
      const lines = csv.text.split('\r\n')
      assert.equal(lines[0], 'period_start,zone,bytes,cost_base_units,product,requests,country')
      assert.match(lines[1] ?? '', /^2030-01-15T10:00:00\.000Z,site,\d+,\d+,cdn,4,$/)
      const byCountry = await call('GET', `/v1/usage?format=csv&groupBy=country&from=${from}&to=${to}`, { token: buyer.token })
      assert.match(byCountry.text.split('\r\n')[1] ?? '', /^2030-01-15T10:00:00\.000Z,site,\d+,,cdn,4,local$/)
      const operatorView = await call('GET', `/v1/usage?format=csv&from=${from}&to=${to}`, { token: operator.token })
      assert.match(operatorView.text, /^period_start,node_id,bytes,product,requests,country\r\n/)
      const other = await createAccount('Other buyer', 'buyer')
      assert.equal((await call('GET', '/v1/usage?zone=site', { token: other.token })).status, 404)
      assert.equal((await call('GET', '/v1/usage?granularity=week', { token: buyer.token })).status, 400)
    })

    it('stores zone settings, shows them on GET, and keeps custom domains unique across zones', async () => {
      const patch = await call('PATCH', '/v1/zones/site', { token: buyer.token, json: { blockedCountries: ['cn'], customDomains: ['CDN.Example.com'], allowedReferrers: ['*.example.com'] } })
      assert.equal(patch.status, 200, patch.text)
      assert.deepEqual(field(patch.body, 'settings'), { allowedReferrers: ['*.example.com'], blockedCountries: ['CN'], customDomains: ['cdn.example.com'] })
      const got = await call('GET', '/v1/zones/site', { token: buyer.token })
      assert.deepEqual(field(got.body, 'settings', 'customDomains'), ['cdn.example.com'])
      const directory = metering.zones.current()
      // Stored and shown, but not routed until the owner proves control (zone-guards.test.ts).
      assert.equal(directory.findByHost('cdn.example.com:443'), undefined)
      assert.equal(directory.isCountryBlocked('site', 'CN'), true)

      assert.equal((await call('POST', '/v1/zones', { token: buyer.token, json: { name: 'second', origin: 'https://two.example.com' } })).status, 201)
      const conflict = await call('PATCH', '/v1/zones/second', { token: buyer.token, json: { customDomains: ['cdn.example.com'], blockedCountries: ['US'] } })
      assert.equal(conflict.status, 409)
      assert.equal(field(conflict.body, 'error', 'code'), 'CUSTOM_DOMAIN_TAKEN')
      const second = await call('GET', '/v1/zones/second', { token: buyer.token })
      assert.deepEqual(field(second.body, 'settings'), { allowedReferrers: [], blockedCountries: [], customDomains: [] }, 'a refused patch changes nothing')

      for (const body of [{}, { blockedCountries: ['XYZ'] }, { customDomains: ['not a host'] }, { origin: 'https://x.example' }, { pricePerGiB: 1 }]) {
        assert.equal((await call('PATCH', '/v1/zones/site', { token: buyer.token, json: body })).status, 400)
      }
      assert.equal((await call('PATCH', '/v1/zones/nope', { token: buyer.token, json: { blockedCountries: ['DE'] } })).status, 404)
      const price = await call('PATCH', '/v1/zones/site', { token: buyer.token, json: { pricePerGiB: PRICE.toString() } })
      assert.equal(field(price.body, 'zone', 'pricePerGiB'), PRICE.toString())
    })

    it('flips hasBalance when a charge uses up the credit, and back on a new credit', async () => {
      const poor = await createAccount('Poor buyer', 'buyer')
      assert.equal((await call('POST', '/v1/zones', { token: poor.token, json: { name: 'poor', origin: 'https://poor.example.com', pricePerGiB: '1 MSN' } })).status, 201)
      assert.equal((await call('POST', '/v1/admin/credits', { token: ADMIN_TOKEN, json: { accountId: poor.id, amount: '1 MSN' } })).status, 201)
      assert.equal(metering.hasBalance(poor.id), true)
      assert.equal(metering.zones.current().findByName('poor')?.hasBalance, true)
      const ticket = issue(nodeA, { zone: 'poor' })
      assert.equal((await postUsage(report(nodeA, [{ ticket, bytes: 2n * GIB }]))).status, 200)
      assert.equal(await balanceOf(`buyer:${poor.id}`), -(10n ** 18n), 'the bytes were served, so they are charged')
      assert.equal(metering.hasBalance(poor.id), false)
      assert.equal(metering.zones.current().findByName('poor')?.hasBalance, false)
      assert.equal((await call('POST', '/v1/admin/credits', { token: ADMIN_TOKEN, json: { accountId: poor.id, amount: '2 MSN' } })).status, 201)
      assert.equal(metering.zones.current().findByName('poor')?.hasBalance, true)
    })

    it('a node that mints its own ticket (it knows its node key) earns and bills nothing, and the rejection is counted', async () => {
      // Node A holds its node key (delivered at registration) and can make a node tag the
      // node itself accepts; the coordinator tag it can only fake.
      const masters = await ensureTicketMasterKeyFile(join(dataDir, 'ticket-keys.json'))
      const { kid, keys } = new CoordinatorTicketKeys(masters.keys).tagKeysFor(nodeA.id, nowMs)
      const claims = claimsFor(nodeA, { byteBudget: 100n * GIB })
      const minted: TestTicket = { ...claims, token: encodeTicket({ nodeKey: keys.nodeKey, coordinatorKey: keys.nodeKey }, { v: 3, kid, ...claims }) }
      const buyerBefore = await balanceOf(`buyer:${buyer.id}`)
      const operatorBefore = await balanceOf(`operator:${operator.id}:pending`)
      const before = metering.rejectedLinesOf(nodeA.id)
      const answer = await postUsage(report(nodeA, [{ ticket: minted, bytes: 50n * GIB }]))
      assert.equal(answer.status, 200, answer.text)
      assert.equal(field(answer.body, 'accepted'), 0)
      assert.deepEqual(rejectedReasons(answer), ['forged-ticket'])
      assert.equal(await balanceOf(`buyer:${buyer.id}`), buyerBefore)
      assert.equal(await balanceOf(`operator:${operator.id}:pending`), operatorBefore)
      assert.equal(metering.rejectedLinesOf(nodeA.id)['forged-ticket'], before['forged-ticket'] + 1)
      const metrics = await call('GET', '/metrics')
      assert.match(metrics.text, /meson_usage_rejected_lines\{reason="forged-ticket"\} [1-9]/)
    })

    it('a second coordinator that never issued the ticket checks its usage, and a replay to either bills once', async (t) => {
      if (backend.name !== 'PostgreSQL') {
        t.skip('two coordinators share one PostgreSQL database; this backend runs the single-coordinator cases')
        return
      }
      const parsed = parseConfig({ flags: { port: '0', adminToken: ADMIN_TOKEN, dataDir, usageGraceMs: String(GRACE_MS), usageFlushMs: '60000' } })
      assert.ok(parsed.ok)
      // Same database and same ticket key file; no memory shared with the first coordinator.
      const second = await startCoordinator(parsed.config, { stores: testStore.stores, now: () => nowMs, startFleetTimers: false, logger: createLogger({ level: 'silent' }) })
      try {
        const ticket = issue(nodeA, { byteBudget: 1_000n }, coordinator)
        const atSecond = await fetch(`${second.url}/v1/nodes/usage`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(report(nodeA, [{ ticket, bytes: 600n }])) })
        const body: unknown = await atSecond.json()
        assert.equal(atSecond.status, 200, JSON.stringify(body))
        assert.equal(field(body, 'accepted'), 1)
        assert.equal(field(body, 'acceptedBytes'), '600')
        // The same ticket again, at the first coordinator: only the budget's rest counts.
        const atFirst = await postUsage(report(nodeA, [{ ticket, bytes: 600n }]))
        assert.equal(field(atFirst.body, 'acceptedBytes'), '400')
        assert.deepEqual(rejectedReasons(atFirst), ['over-budget'])
      } finally {
        await second.close()
      }
    })

    it('stores a row only for a ticket that bills, never per redirect', async () => {
      const count = async (): Promise<number> => {
        const result = await sql<{ n: string | number }>`select count(*) as n from issued_tickets`.execute(testStore.database.db)
        return Number(result.rows[0]?.n)
      }
      const before = await count()
      for (let index = 0; index < 5; index += 1) issue(nodeA)
      assert.equal(await count(), before, 'issuing wrote nothing')
      const billed = issue(nodeA)
      assert.equal((await postUsage(report(nodeA, [{ ticket: billed, bytes: 10n }]))).status, 200)
      assert.equal(await count(), before + 1)
    })
  })
}

const backends = await findTestStoreBackends()
for (const backend of backends) {
  if (backend.failReason !== undefined) {
    it(`metering API on ${backend.name}`, () => assert.fail(backend.failReason))
    continue
  }
  defineMeteringSuite(backend)
}
