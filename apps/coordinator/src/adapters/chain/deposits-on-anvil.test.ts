import assert from 'node:assert/strict'
import { test } from 'node:test'
import { deployNetworkContracts, depositVaultAbi, encodeAccountId, mesonTokenAbi } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { createTestClient, http, parseUnits } from 'viem'
import { buyerLedgerAccount } from '../../ledger/ledger-accounts.ts'
import { SYSTEM_UNMATCHED_DEPOSITS } from '../../settlement/build-deposit-transaction.ts'
import { DepositWatcher } from '../../settlement/deposit-watcher.ts'
import type { SettlementStore } from '../../settlement/settlement-store.ts'
import { openStores } from '../db/open-store.ts'
import { ViemDepositLogSource } from './viem-deposit-log-source.ts'

const CONFIRMATIONS = 3

test('vault deposits are credited once, across watcher restarts and reorganisations shallower than the depth', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const { publicClient, wallets, anvil } = chain
  const [deployer, buyerWallet] = wallets
  assert.ok(deployer && buyerWallet)
  const testClient = createTestClient({ chain: chain.chain, mode: 'anvil', transport: http(anvil.rpcUrl) })
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: deployer.account.address })
  const startBlock = await publicClient.getBlockNumber({ cacheTime: 0 })
  const send = async (hash: Promise<`0x${string}`>): Promise<void> => {
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: await hash })).status, 'success')
  }
  await send(deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [buyerWallet.account.address, parseUnits('100', 18)], chain: deployer.chain, account: deployer.account }))
  await send(buyerWallet.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'approve', args: [contracts.vault, parseUnits('100', 18)], chain: buyerWallet.chain, account: buyerWallet.account }))

  const stores = await openStores({ url: 'sqlite::memory:' })
  t.after(() => stores.close())
  const { store, settlement: cursors } = stores
  const buyer = await store.createAccount({ name: 'Buyer', role: 'buyer' })
  const logs = new ViemDepositLogSource({ publicClient, vault: contracts.vault })
  const newWatcher = (cursorStore: Pick<SettlementStore, 'getCursor' | 'setCursor'> = cursors): DepositWatcher =>
    new DepositWatcher({ logs, store, cursors: cursorStore, confirmations: CONFIRMATIONS, startBlock })
  const deposit = async (accountId: string, amount: string): Promise<void> => {
    const bytes = encodeAccountId(accountId)
    assert.ok(bytes)
    await send(buyerWallet.writeContract({ address: contracts.vault, abi: depositVaultAbi, functionName: 'deposit', args: [bytes, parseUnits(amount, 18)], chain: buyerWallet.chain, account: buyerWallet.account }))
  }
  const balance = (): Promise<bigint> => store.getBalance(buyerLedgerAccount(buyer.id))

  await t.test('a deposit is credited only once it has the confirmations, then never again', async () => {
    await deposit(buyer.id, '10')
    await newWatcher().poll()
    assert.equal(await balance(), 0n, 'one confirmation is not enough')
    await testClient.mine({ blocks: CONFIRMATIONS - 1 })
    assert.equal(await newWatcher().poll(), 1)
    assert.equal(await balance(), parseUnits('10', 18))
    assert.equal(await newWatcher().poll(), 0)
    assert.equal(await balance(), parseUnits('10', 18))
  })

  await t.test('a watcher that dies after crediting but before moving its cursor credits nothing twice on restart', async () => {
    await deposit(buyer.id, '5')
    await testClient.mine({ blocks: CONFIRMATIONS })
    const dying = { getCursor: (name: string) => cursors.getCursor(name), setCursor: () => Promise.reject(new Error('killed before the cursor was stored')) }
    await assert.rejects(newWatcher(dying).poll(), /killed/)
    assert.equal(await balance(), parseUnits('15', 18))
    await newWatcher().poll()
    assert.equal(await balance(), parseUnits('15', 18))
  })

  await t.test('a deposit removed by a reorganisation before its depth is never credited; its replacement once', async () => {
    const snapshot = await testClient.snapshot()
    await deposit(buyer.id, '7')
    await testClient.mine({ blocks: CONFIRMATIONS - 2 })
    await newWatcher().poll()
    assert.equal(await balance(), parseUnits('15', 18), 'not deep enough yet')
    // The reorganisation: back to before the deposit; the new branch holds a 2 MSN deposit instead.
    await testClient.revert({ id: snapshot })
    await deposit(buyer.id, '2')
    await testClient.mine({ blocks: CONFIRMATIONS })
    await newWatcher().poll()
    await newWatcher().poll()
    assert.equal(await balance(), parseUnits('17', 18))
  })

  await t.test('a deposit naming no buyer is kept visible, not lost', async () => {
    await deposit('acc_nobodyhasthisidxx', '1')
    await testClient.mine({ blocks: CONFIRMATIONS })
    await newWatcher().poll()
    assert.equal(await store.getBalance(SYSTEM_UNMATCHED_DEPOSITS), parseUnits('1', 18))
    assert.equal(await balance(), parseUnits('17', 18))
  })
})
