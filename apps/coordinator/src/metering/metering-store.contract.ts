import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import type { CoordinatorStores } from '../store/coordinator-stores.ts'
import type { Zone } from '../zones/zone-store.ts'
import type { IssuedTicket } from './issued-ticket.ts'
import type { UsageBatchPlan } from './metering-store.ts'

const HOUR = 3_600_000
const NODE = 'nd_contract'

function ticket(nonce: string, overrides: Partial<IssuedTicket> = {}): IssuedTicket {
  return { nonce, nodeId: NODE, zone: 'site', path: '/a.bin', prefix: false, client: '203.0.113.9', issuedAt: 1_000, expiresAt: 10 * HOUR, byteBudget: 2n ** 60n, ...overrides }
}

const EMPTY_PLAN: UsageBatchPlan = { ticketUpdates: [], transactions: [], hourly: [], rejections: [], acceptedLines: 0, acceptedBytes: 0n, objectUsage: [], implausible: undefined }

/**
 * The compliance suite of the `MeteringStore` port, run against SQLite and PostgreSQL
 * (every store of the coordinator on one fresh database per test). Pins down: a batch id
 * applies once; a batch and its ledger rows commit or roll back together; byte totals and
 * money beyond 2^53 are exact.
 */
export function runMeteringStoreContract(label: string, openFresh: () => Promise<CoordinatorStores>): void {
  async function withZone(run: (stores: CoordinatorStores, zone: Zone, operatorId: AccountId) => Promise<void>): Promise<void> {
    const stores = await openFresh()
    try {
      const buyer = await stores.store.createAccount({ name: 'Buyer', role: 'buyer' })
      const operator = await stores.store.createAccount({ name: 'Operator', role: 'operator' })
      const created = await stores.zones.createZone({ accountId: buyer.id, name: 'site', origin: 'https://origin.example', pricePerGiB: 10n ** 18n })
      assert.equal(created.status, 'created')
      await run(stores, created.zone, operator.id)
    } finally {
      await stores.close()
    }
  }

  describe(`MeteringStore contract: ${label}`, () => {
    it('loads the tickets and zone a batch names, applies the plan once, and answers a replay as duplicate', () =>
      withZone(async ({ metering, store }, zone, operatorId) => {
        const input = {
          batchId: 'batch-1',
          nodeId: NODE,
          receivedAt: 2 * HOUR,
          lines: [{ ticketId: 'n1', zone: 'site', bytes: 2n ** 55n, ticket: 't' }],
          // A billable ticket is stored with its batch, once per nonce (ADR 0016).
          billableTickets: [ticket('n1'), ticket('n1', { byteBudget: 1n })],
          plan: (context: Parameters<Parameters<typeof metering.applyUsageBatch>[0]['plan']>[0]): UsageBatchPlan => {
            assert.equal(context.tickets.get('n1')?.byteBudget, 2n ** 60n, 'a nonce stored twice keeps the first ticket')
            assert.equal(context.tickets.get('n1')?.acceptedBytes, 0n)
            assert.deepEqual(context.zones.get('site'), { zoneId: zone.id, name: 'site', accountId: zone.accountId, pricePerGiB: 10n ** 18n })
            const billing = context.zones.get('site')
            assert.ok(billing)
            return {
              ticketUpdates: [{ nonce: 'n1', acceptedBytes: 2n ** 55n }],
              transactions: [{ id: 'usage:batch-1', kind: 'usage', entries: [{ ledgerAccount: `buyer:${zone.accountId}`, amount: -(2n ** 60n) }, { ledgerAccount: 'system:revenue', amount: 2n ** 60n }] }],
              hourly: [{ zone: billing, hourStart: 2 * HOUR, nodeId: NODE, operatorId, bytes: 2n ** 55n, cost: 2n ** 60n, requests: 0, countries: [] }],
              rejections: [{ ticketId: 'n2', reason: 'unknown-ticket', bytes: 5n }],
              acceptedLines: 1,
              acceptedBytes: 2n ** 55n,
              objectUsage: [],
              implausible: undefined,
            }
          },
        }
        const first = await metering.applyUsageBatch(input)
        assert.equal(first.status, 'applied')
        assert.deepEqual(await metering.applyUsageBatch(input), { status: 'duplicate' })
        assert.equal(await store.getBalance('system:revenue'), 2n ** 60n)
        const usage = await metering.listUsage({ fromMs: 0, toMs: 10 * HOUR })
        assert.deepEqual(usage, [{ zoneId: zone.id, zoneName: 'site', hourStart: 2 * HOUR, nodeId: NODE, bytes: 2n ** 55n, cost: 2n ** 60n, requests: 0 }])
        assert.deepEqual(await metering.listUsage({ fromMs: 3 * HOUR, toMs: 10 * HOUR }), [])
        assert.deepEqual(await metering.listRejectionCounts(), [{ nodeId: NODE, reason: 'unknown-ticket', lines: 1 }])
        assert.deepEqual(await metering.listRejectionCounts([]), [])
      }))

    it("keeps an implausible batch's flag with the batch, in its transaction, for delivery again at start", () =>
      withZone(async ({ metering }) => {
        const flag = (reason: string) => ({ reason, measurements: { reportedBytes: '655360', requests: 1, sizeSource: 'origin' } })
        const apply = (batchId: string, receivedAt: number, implausible: UsageBatchPlan['implausible'], fail = false) =>
          metering.applyUsageBatch({
            batchId,
            nodeId: NODE,
            receivedAt,
            lines: [],
            billableTickets: [],
            plan: () => {
              if (fail) throw new Error('planned failure')
              return { ...EMPTY_PLAN, implausible }
            },
          })
        const postedAt = async (applying: ReturnType<typeof apply>): Promise<number> => {
          const applied = await applying
          assert.equal(applied.status, 'applied')
          return applied.postedAt
        }
        // The flag carries when the batch's ledger entries were posted: the epoch whose earnings it holds.
        const firstPosted = await postedAt(apply('flag-1', 2 * HOUR, flag('inflated once')))
        await apply('plain', 3 * HOUR, undefined)
        await assert.rejects(apply('rolled-back', 4 * HOUR, flag('never committed'), true), /planned failure/)
        const secondPosted = await postedAt(apply('flag-2', 5 * HOUR, flag('inflated twice')))
        // A replayed batch is a duplicate: its flag is not written again, nor changed.
        assert.deepEqual(await apply('flag-1', 6 * HOUR, flag('other')), { status: 'duplicate' })
        assert.deepEqual(await metering.listImplausibleBatches(0), [
          { batchId: 'flag-1', nodeId: NODE, receivedAt: 2 * HOUR, postedAt: firstPosted, ...flag('inflated once') },
          { batchId: 'flag-2', nodeId: NODE, receivedAt: 5 * HOUR, postedAt: secondPosted, ...flag('inflated twice') },
        ])
        assert.deepEqual(
          (await metering.listImplausibleBatches(4 * HOUR)).map((batch) => batch.batchId),
          ['flag-2'],
        )
      }))

    it('adds hourly usage of two batches in the same hour exactly', () =>
      withZone(async ({ metering }, zone, operatorId) => {
        const billing = { zoneId: zone.id, name: zone.name, accountId: zone.accountId, pricePerGiB: zone.pricePerGiB }
        for (const batchId of ['b1', 'b2']) {
          await metering.applyUsageBatch({
            batchId,
            nodeId: NODE,
            receivedAt: HOUR,
            lines: [],
            billableTickets: [],
            plan: () => ({ ...EMPTY_PLAN, hourly: [{ zone: billing, hourStart: HOUR, nodeId: NODE, operatorId, bytes: 2n ** 53n + 1n, cost: 3n, requests: 0, countries: [] }] }),
          })
        }
        const [row] = await metering.listUsage({ fromMs: 0, toMs: 2 * HOUR })
        assert.ok(row)
        assert.equal(row.bytes, 2n ** 54n + 2n)
        assert.equal(row.cost, 6n)
      }))

    it('adds requests and usage by country of batches in the same hour, and filters them like usage', () =>
      withZone(async ({ metering }, zone, operatorId) => {
        const billing = { zoneId: zone.id, name: zone.name, accountId: zone.accountId, pricePerGiB: zone.pricePerGiB }
        const countries = [
          { country: 'DE', bytes: 2n ** 53n + 1n, requests: 3 },
          { country: 'unknown', bytes: 4n, requests: 1 },
        ]
        for (const batchId of ['c1', 'c2']) {
          await metering.applyUsageBatch({
            batchId,
            nodeId: NODE,
            receivedAt: HOUR,
            lines: [],
            billableTickets: [],
            plan: () => ({ ...EMPTY_PLAN, hourly: [{ zone: billing, hourStart: HOUR, nodeId: NODE, operatorId, bytes: 2n ** 53n + 5n, cost: 1n, requests: 4, countries }] }),
          })
        }
        const [row] = await metering.listUsage({ fromMs: 0, toMs: 2 * HOUR })
        assert.equal(row?.requests, 8)
        const byCountry = await metering.listUsageByCountry({ accountId: zone.accountId, fromMs: 0, toMs: 2 * HOUR })
        assert.deepEqual(byCountry, [
          { zoneId: zone.id, zoneName: 'site', hourStart: HOUR, nodeId: NODE, country: 'DE', bytes: 2n ** 54n + 2n, requests: 6 },
          { zoneId: zone.id, zoneName: 'site', hourStart: HOUR, nodeId: NODE, country: 'unknown', bytes: 8n, requests: 2 },
        ])
        assert.deepEqual(await metering.listUsageByCountry({ operatorId, zoneName: 'other', fromMs: 0, toMs: 2 * HOUR }), [])
        assert.deepEqual(await metering.listUsageByCountry({ fromMs: 2 * HOUR, toMs: 3 * HOUR }), [])
      }))

    it('rolls the whole batch back when a ledger transaction is refused, so the batch id can come again', () =>
      withZone(async ({ metering, store }, zone) => {
        const unbalanced: UsageBatchPlan = { ...EMPTY_PLAN, transactions: [{ id: 'usage:x', kind: 'usage', entries: [{ ledgerAccount: `buyer:${zone.accountId}`, amount: -1n }, { ledgerAccount: 'system:revenue', amount: 2n }] }] }
        await assert.rejects(metering.applyUsageBatch({ batchId: 'bx', nodeId: NODE, receivedAt: 0, lines: [], billableTickets: [], plan: () => unbalanced }), { code: 'LEDGER_UNBALANCED' })
        assert.equal(await store.getBalance('system:revenue'), 0n)
        const retried = await metering.applyUsageBatch({ batchId: 'bx', nodeId: NODE, receivedAt: 0, lines: [], billableTickets: [], plan: () => EMPTY_PLAN })
        assert.equal(retried.status, 'applied')
      }))

    it('prunes tickets that expired before a time and keeps the others', () =>
      withZone(async ({ metering }) => {
        await metering.applyUsageBatch({ batchId: 'store', nodeId: NODE, receivedAt: 0, lines: [], billableTickets: [ticket('old', { expiresAt: 5 }), ticket('new', { expiresAt: 50 })], plan: () => EMPTY_PLAN })
        assert.equal(await metering.pruneIssuedTickets(10), 1)
        const lines = [{ ticketId: 'old', zone: 'site', bytes: 1n, ticket: 't' }, { ticketId: 'new', zone: 'site', bytes: 1n, ticket: 't' }]
        const seen = await metering.applyUsageBatch({ batchId: 'probe', nodeId: NODE, receivedAt: 0, lines, billableTickets: [], plan: (context) => {
          assert.deepEqual([...context.tickets.keys()], ['new'])
          return EMPTY_PLAN
        } })
        assert.equal(seen.status, 'applied')
      }))

    it("keeps object sizes: the origin's (replaced), and per node the billed bytes and responses summed exactly beyond 2^53; prefix tickets have none; old rows are pruned", () =>
      withZone(async ({ metering }) => {
        const tickets = [ticket('o1'), ticket('o2', { path: '/b.bin' }), ticket('o3', { path: '/dir/', prefix: true })]
        const lines = tickets.map((entry) => ({ ticketId: entry.nonce, zone: 'site', bytes: 1n, ticket: 't' }))
        const seen: ReadonlyMap<string, unknown>[] = []
        const apply = (batchId: string, nodeId: string, objectUsage: UsageBatchPlan['objectUsage'], receivedAt: number) =>
          metering.applyUsageBatch({ batchId, nodeId, receivedAt, lines, billableTickets: tickets.map((entry) => ({ ...entry, nodeId })), plan: (context) => {
            seen.push(context.objects)
            return { ...EMPTY_PLAN, objectUsage }
          } })
        await metering.recordOriginObjectSize('site', '/a.bin', 100n, 1_000)
        await metering.recordOriginObjectSize('site', '/a.bin', 2n ** 60n, 2_000)
        await apply('s1', 'node-x', [{ zone: 'site', path: '/b.bin', bytes: 2n ** 54n, requests: 2 }], 3_000)
        await apply('s2', 'node-x', [{ zone: 'site', path: '/b.bin', bytes: 2n ** 54n + 1n, requests: 3 }], 4_000)
        await apply('s3', 'node-y', [{ zone: 'site', path: '/b.bin', bytes: 7n, requests: 1 }], 5_000)
        await apply('s4', 'node-y', [], 6_000)
        assert.deepEqual(seen[0], new Map([['site/a.bin', { nodes: [], originSizeBytes: 2n ** 60n }]]))
        const last = seen[3]
        assert.ok(last)
        assert.deepEqual(last.get('site/a.bin'), { nodes: [], originSizeBytes: 2n ** 60n })
        const b = last.get('site/b.bin') as { nodes: { nodeId: string }[] } | undefined
        assert.deepEqual(b?.nodes.sort((x, y) => (x.nodeId < y.nodeId ? -1 : 1)), [{ nodeId: 'node-x', bytes: 2n ** 55n + 1n, requests: 5 }, { nodeId: 'node-y', bytes: 7n, requests: 1 }])
        assert.equal(last.has('site/dir/'), false)
        // node-x's row was last updated at 4 000, node-y's at 5 000, the origin's at 2 000.
        assert.equal(await metering.pruneObjectSizes(4_500), 2)
        await apply('s5', 'node-y', [], 7_000)
        assert.deepEqual(seen[4], new Map([['site/b.bin', { nodes: [{ nodeId: 'node-y', bytes: 7n, requests: 1 }] }]]))
      }))

    it("forgets one zone's object sizes, the origin's and the nodes', and no other zone's", () =>
      withZone(async ({ metering }) => {
        const tickets = [ticket('f1', { path: '/b.bin' })]
        const lines = [{ ticketId: 'f1', zone: 'site', bytes: 1n, ticket: 't' }]
        const seen: ReadonlyMap<string, unknown>[] = []
        const apply = (batchId: string, objectUsage: UsageBatchPlan['objectUsage']) =>
          metering.applyUsageBatch({ batchId, nodeId: NODE, receivedAt: 0, lines, billableTickets: tickets, plan: (context) => {
            seen.push(context.objects)
            return { ...EMPTY_PLAN, objectUsage }
          } })
        await metering.recordOriginObjectSize('site', '/b.bin', 100n, 1_000)
        await metering.recordOriginObjectSize('site2', '/b.bin', 5n, 1_000)
        await apply('f-1', [{ zone: 'site', path: '/b.bin', bytes: 90n, requests: 1 }])
        assert.equal(await metering.forgetObjectSizes('site'), 2)
        assert.equal(await metering.forgetObjectSizes('site'), 0)
        await apply('f-2', [])
        assert.deepEqual(seen[1], new Map(), 'nothing is known of the zone any more')
        // The other zone's row stays: forgetting it now deletes exactly that one.
        assert.equal(await metering.forgetObjectSizes('site2'), 1)
      }))

    it('loads the price a zone-settings change set last, inside the batch', () =>
      withZone(async ({ metering, zones }, zone) => {
        assert.equal((await zones.updateZoneSettings(zone.accountId, 'site', { pricePerGiB: 7n })).status, 'updated')
        let loaded: bigint | undefined
        await metering.applyUsageBatch({ batchId: 'priced', nodeId: NODE, receivedAt: 0, lines: [{ ticketId: 'p1', zone: 'site', bytes: 1n, ticket: 't' }], billableTickets: [ticket('p1')], plan: (context) => {
          loaded = context.zones.get('site')?.pricePerGiB
          return EMPTY_PLAN
        } })
        assert.equal(loaded, 7n)
      }))
  })
}
