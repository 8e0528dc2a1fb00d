import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import type { Store } from '../store/store.ts'
import type { SettlementStore } from './settlement-store.ts'

export interface SettlementStorePair {
  readonly store: Store
  readonly settlementStore: SettlementStore
}

const ROOT_1 = `0x${'11'.repeat(32)}` as const
const ROOT_2 = `0x${'22'.repeat(32)}` as const
const TX = `0x${'ab'.repeat(32)}` as const
const ALICE = '0x52908400098527886E0F7030069857D2E4169EE7'
const BOB = '0x8617E340B3D01FA5F11F306F4090FD50E238070D'

/** The SettlementStore contract; run against every implementation (SQLite, PostgreSQL). */
export function runSettlementStoreContract(label: string, open: () => Promise<SettlementStorePair>): void {
  describe(`SettlementStore contract (${label})`, () => {
    const opened: Store[] = []
    after(async () => {
      for (const store of opened) await store.close()
    })
    const fresh = async (): Promise<SettlementStore> => {
      const pair = await open()
      opened.push(pair.store)
      return pair.settlementStore
    }

    it('has no settlement before the first is planned', async () => {
      const store = await fresh()
      assert.equal(await store.latestSettlement(), undefined)
      assert.equal(await store.latestConfirmedSettlement(), undefined)
    })

    it('records a planned settlement with its allocations exactly, amounts beyond 2^64 included', async () => {
      const store = await fresh()
      const big = 2n ** 200n + 7n
      const recorded = await store.recordPlanned({
        sequence: 1,
        root: ROOT_1,
        totalAmount: big + 5n,
        allocations: [
          { operatorId: 'acc_a' as AccountId, payoutAddress: ALICE, amount: big },
          { operatorId: 'acc_b' as AccountId, payoutAddress: BOB, amount: 5n },
        ],
      })
      assert.equal(recorded, true)
      const latest = await store.latestSettlement()
      assert.equal(latest?.sequence, 1)
      assert.equal(latest.status, 'planned')
      assert.equal(latest.root, ROOT_1)
      assert.equal(latest.totalAmount, big + 5n)
      assert.equal(latest.txHash, null)
      assert.equal(await store.latestConfirmedSettlement(), undefined)
      assert.deepEqual(await store.listAllocations(1), [
        { operatorId: 'acc_a', payoutAddress: ALICE, amount: big },
        { operatorId: 'acc_b', payoutAddress: BOB, amount: 5n },
      ])
    })

    it('refuses to plan the same sequence twice and keeps the first', async () => {
      const store = await fresh()
      assert.equal(await store.recordPlanned({ sequence: 1, root: ROOT_1, totalAmount: 1n, allocations: [{ operatorId: 'acc_a' as AccountId, payoutAddress: ALICE, amount: 1n }] }), true)
      assert.equal(await store.recordPlanned({ sequence: 1, root: ROOT_2, totalAmount: 2n, allocations: [{ operatorId: 'acc_a' as AccountId, payoutAddress: ALICE, amount: 2n }] }), false)
      assert.equal((await store.latestSettlement())?.root, ROOT_1)
      assert.deepEqual((await store.listAllocations(1)).map((allocation) => allocation.amount), [1n])
    })

    it('moves a settlement from planned to sent to confirmed', async () => {
      const store = await fresh()
      await store.recordPlanned({ sequence: 1, root: ROOT_1, totalAmount: 1n, allocations: [] })
      await store.markSent(1, TX)
      assert.equal((await store.latestSettlement())?.status, 'sent')
      assert.equal((await store.latestSettlement())?.txHash, TX)
      await store.markConfirmed(1, TX, new Date(1_700_000_000_000))
      const confirmed = await store.latestConfirmedSettlement()
      assert.equal(confirmed?.sequence, 1)
      assert.equal(confirmed.confirmedAt?.getTime(), 1_700_000_000_000)
      await store.recordPlanned({ sequence: 2, root: ROOT_2, totalAmount: 2n, allocations: [] })
      assert.equal((await store.latestSettlement())?.sequence, 2)
      assert.equal((await store.latestConfirmedSettlement())?.sequence, 1)
    })

    it('keeps watcher cursors by name, beyond 2^53', async () => {
      const store = await fresh()
      assert.equal(await store.getCursor('deposits'), undefined)
      await store.setCursor('deposits', 10n)
      await store.setCursor('deposits', 2n ** 60n)
      await store.setCursor('other', 3n)
      assert.equal(await store.getCursor('deposits'), 2n ** 60n)
      assert.equal(await store.getCursor('other'), 3n)
    })
  })
}
