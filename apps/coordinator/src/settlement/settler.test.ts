import assert from 'node:assert/strict'
import { after, describe, it } from 'node:test'
import type { AccountId } from '@meson/protocol'
import type { Address, Hex } from 'viem'
import { openStores } from '../adapters/db/open-store.ts'
import type { SettlementStore } from './settlement-store.ts'
import type { Distributor } from './distributor.ts'
import type { OperatorEarnings } from './operator-earnings.ts'
import { Settler } from './settler.ts'

const PAYOUT: Address = '0x1111111111111111111111111111111111111111'

/** An in-memory distributor; `drop` makes the next sent transaction never mine. */
function fakeDistributor(): Distributor & { roots: Hex[]; sent: number; dropNext: boolean } {
  const mined = new Map<Hex, number>()
  const fake = {
    address: PAYOUT,
    chainId: 31337,
    roots: [] as Hex[],
    sent: 0,
    dropNext: false,
    readSequence: () => Promise.resolve(fake.roots.length),
    findRootPosted: (sequence: number) => {
      const root = fake.roots[sequence - 1]
      const txHash = [...mined].find(([, at]) => at === sequence)?.[0]
      return Promise.resolve(root === undefined || txHash === undefined ? undefined : { root, txHash })
    },
    postRoot: (sequence: number, root: Hex) => {
      fake.sent += 1
      const txHash: Hex = `0x${fake.sent.toString(16).padStart(64, '0')}`
      if (fake.dropNext) {
        fake.dropNext = false
        return Promise.resolve(txHash)
      }
      if (sequence !== fake.roots.length + 1) return Promise.reject(new Error('UnexpectedSequence'))
      fake.roots.push(root)
      mined.set(txHash, sequence)
      return Promise.resolve(txHash)
    },
    waitForConfirmations: (txHash: Hex) => Promise.resolve(mined.has(txHash) ? ('confirmed' as const) : ('dropped' as const)),
    readClaimed: () => Promise.resolve(0n),
  }
  return fake
}

describe('Settler', () => {
  const stores: { close(): Promise<void> }[] = []
  after(async () => {
    for (const store of stores) await store.close()
  })
  const setUp = async (): Promise<{ settler: (distributor: Distributor) => Settler; earnings: OperatorEarnings[]; settlements: SettlementStore }> => {
    const opened = await openStores({ url: 'sqlite::memory:' })
    stores.push(opened)
    const settlements = opened.settlement
    const earnings: OperatorEarnings[] = [{ operatorId: 'acc_a' as AccountId, payoutAddress: PAYOUT, earned: 10n }]
    return { settlements, earnings, settler: (distributor) => new Settler({ store: settlements, earnings: { listOperatorEarnings: () => Promise.resolve(earnings) }, distributor, confirmations: 1 }) }
  }

  it('runs once for concurrent calls', async () => {
    const { settler } = await setUp()
    const distributor = fakeDistributor()
    const one = settler(distributor)
    const [a, b] = await Promise.all([one.settle(), one.settle()])
    assert.deepEqual(a, b)
    assert.equal(distributor.sent, 1)
  })

  it('resends a root whose transaction was dropped, under the same sequence', async () => {
    const { settler, settlements } = await setUp()
    const distributor = fakeDistributor()
    distributor.dropNext = true
    assert.equal((await settler(distributor).settle()).status, 'pending')
    assert.equal((await settlements.latestSettlement())?.status, 'sent')
    const finished = await settler(distributor).settle()
    assert.equal(finished.status === 'settled' ? finished.sequence : 0, 1)
    assert.equal(distributor.roots.length, 1)
  })

  it('stops when the chain holds another root under our sequence', async () => {
    const { settler } = await setUp()
    const distributor = fakeDistributor()
    await distributor.postRoot(1, `0x${'ee'.repeat(32)}`)
    // Our first settlement is sequence 1 too, but its root differs: someone else settled.
    await assert.rejects(settler(distributor).settle(), { code: 'SETTLEMENT_DIVERGED' })
  })
})
