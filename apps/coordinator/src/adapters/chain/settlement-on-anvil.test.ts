import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deployNetworkContracts, mesonTokenAbi, cumulativeMerkleDistributorAbi } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { parseUnits } from 'viem'
import type { Hex } from 'viem'
import { operatorPendingLedgerAccount } from '../../ledger/ledger-accounts.ts'
import { ClaimsView } from '../../settlement/claims-view.ts'
import type { Distributor } from '../../settlement/distributor.ts'
import { Settler } from '../../settlement/settler.ts'
import type { Store } from '../../store/store.ts'
import { openStores } from '../db/open-store.ts'
import { ViemDistributor } from './viem-distributor.ts'

/** Credits an operator's pending earnings the way metering does (buyer debited, operator credited). */
async function earn(store: Store, operatorId: string, amount: bigint, id: string): Promise<void> {
  await store.postTransaction({ id, kind: 'test-usage', entries: [{ ledgerAccount: 'system:test-buyers', amount: -amount }, { ledgerAccount: operatorPendingLedgerAccount(operatorId as never), amount }] })
}

test('settlement on anvil: roots posted once, a crash after sending recovered from the chain, claims pay the ledger to the base unit', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const { publicClient, wallets } = chain
  const [deployer, settlerWallet, payoutA, payoutB] = wallets
  assert.ok(deployer && settlerWallet && payoutA && payoutB)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: settlerWallet.account.address })
  await publicClient.waitForTransactionReceipt({ hash: await deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [contracts.distributor, parseUnits('1000000', 18)], chain: deployer.chain, account: deployer.account }) })

  const stores = await openStores({ url: 'sqlite::memory:' })
  t.after(() => stores.close())
  const { store, settlement: settlementStore, earnings } = stores
  const alice = await store.createAccount({ name: 'Alice', role: 'operator', payoutAddress: payoutA.account.address.toLowerCase() })
  const bob = await store.createAccount({ name: 'Bob', role: 'operator', payoutAddress: payoutB.account.address })
  const carol = await store.createAccount({ name: 'Carol', role: 'operator' })
  const chainDistributor = new ViemDistributor({ address: contracts.distributor, publicClient, wallet: settlerWallet })
  let posts = 0
  const counting: Distributor = {
    address: chainDistributor.address,
    chainId: chainDistributor.chainId,
    readSequence: () => chainDistributor.readSequence(),
    findRootPosted: (sequence) => chainDistributor.findRootPosted(sequence),
    postRoot: async (sequence, root) => {
      posts += 1
      return chainDistributor.postRoot(sequence, root)
    },
    waitForConfirmations: (hash, confirmations) => chainDistributor.waitForConfirmations(hash, confirmations),
    readClaimed: (account) => chainDistributor.readClaimed(account),
  }
  const newSettler = (distributor: Distributor): Settler => new Settler({ store: settlementStore, earnings, distributor, confirmations: 1 })

  await earn(store, alice.id, parseUnits('1.000000000000000001', 18), 'u1')
  await earn(store, bob.id, 7n, 'u2')
  await earn(store, carol.id, 99n, 'u3')
  const first = await newSettler(counting).settle()
  assert.equal(first.status, 'settled')
  assert.equal(await chainDistributor.readSequence(), 1)
  assert.equal(posts, 1)

  await t.test('settling again with nothing new posts nothing', async () => {
    assert.deepEqual(await newSettler(counting).settle(), { status: 'unchanged' })
    assert.equal(posts, 1)
    assert.equal(await chainDistributor.readSequence(), 1)
  })

  await t.test('a crash between sending the root and recording it is finished from the chain, not sent again', async () => {
    await earn(store, alice.id, 5n, 'u4')
    const crashing: Distributor = {
      ...counting,
      postRoot: async (sequence, root) => {
        await counting.postRoot(sequence, root)
        throw new Error('process died before the hash was stored')
      },
    }
    await assert.rejects(newSettler(crashing).settle(), /process died/)
    assert.equal((await settlementStore.latestSettlement())?.status, 'planned')
    assert.equal(await chainDistributor.readSequence(), 2)
    const recovered = await newSettler(counting).settle()
    assert.equal(recovered.status, 'settled')
    assert.equal(posts, 2, 'the root was sent once, before the crash')
    assert.equal(await chainDistributor.readSequence(), 2)
    assert.equal((await settlementStore.latestSettlement())?.status, 'confirmed')
  })

  await t.test('the operator claims exactly their ledger earnings; a second claim pays nothing', async () => {
    const claims = new ClaimsView({ store: settlementStore, distributor: chainDistributor })
    const claim = await claims.claimFor(payoutA.account.address)
    assert.ok(claim)
    assert.equal(claim.cumulativeAmount, parseUnits('1.000000000000000001', 18) + 5n)
    assert.equal(claim.claimed, 0n)
    const hash = await payoutA.writeContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [claim.address, claim.cumulativeAmount, [...claim.proof] as Hex[]], chain: payoutA.chain, account: payoutA.account })
    await publicClient.waitForTransactionReceipt({ hash })
    const balance = await publicClient.readContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'balanceOf', args: [payoutA.account.address] })
    assert.equal(balance, await store.getBalance(operatorPendingLedgerAccount(alice.id)))
    const again = await claims.claimFor(payoutA.account.address)
    assert.equal(again?.claimed, again?.cumulativeAmount)
    assert.equal(await claims.claimFor(deployer.account.address), undefined, 'Carol bound no address and nobody else is owed')
  })

  await t.test('an operator who changes payout address keeps what the old one was given', async () => {
    await store.setPayoutAddress(bob.id, payoutA.account.address.toLowerCase())
    await earn(store, bob.id, 3n, 'u5')
    assert.equal((await newSettler(counting).settle()).status, 'settled')
    const claims = new ClaimsView({ store: settlementStore, distributor: chainDistributor })
    assert.equal((await claims.claimFor(payoutB.account.address))?.cumulativeAmount, 7n)
    assert.equal((await claims.claimFor(payoutA.account.address))?.cumulativeAmount, parseUnits('1.000000000000000001', 18) + 5n + 3n)
  })
})
