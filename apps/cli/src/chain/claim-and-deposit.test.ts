import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { ANVIL_DEV_KEYS, deployNetworkContracts, mesonTokenAbi } from '@meson/contracts'
import { openTestChain } from '@meson/contracts/testing'
import { createLogger, parseConfig, startCoordinator } from '@meson/coordinator'
import { parseUnits } from 'viem'
import { collect, runCli, waitForExit } from '../testing/cli-process.ts'
import { runDeposit } from './run-deposit.ts'

test('end to end on anvil: each epoch close posts a root, the operator claims them with meson-net claim, a deposit credits the buyer once', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const { publicClient, wallets, anvil } = chain
  const [deployer, settler, operatorWallet, buyerWallet] = wallets
  assert.ok(deployer && settler && operatorWallet && buyerWallet)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: settler.account.address })
  const mint = async (to: `0x${string}`, amount: bigint): Promise<void> => {
    await publicClient.waitForTransactionReceipt({ hash: await deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [to, amount], chain: deployer.chain, account: deployer.account }) })
  }
  await mint(contracts.distributor, parseUnits('1000', 18))
  await mint(buyerWallet.account.address, parseUnits('100', 18))

  const dir = await mkdtemp(join(tmpdir(), 'meson-claim-'))
  t.after(() => rm(dir, { recursive: true, force: true }))
  const epochMs = 1_000
  const startMs = 1_800_000_000_000 // an epoch boundary
  let nowMs = startMs
  const parsed = parseConfig({ flags: { port: '0', adminToken: 'a'.repeat(32), dataDir: dir, db: `sqlite:${join(dir, 'db.sqlite')}`, epochLengthMs: String(epochMs), epochCloseDelayMs: '0' } })
  assert.ok(parsed.ok)
  const coordinator = await startCoordinator(parsed.config, {
    startFleetTimers: false,
    now: () => nowMs,
    logger: createLogger({ level: 'silent' }),
    chain: { rpcUrl: anvil.rpcUrl, chainId: anvil.chainId, ...contracts, settlerKey: ANVIL_DEV_KEYS[1], depositPollMs: 100 },
  })
  t.after(() => coordinator.close())
  const { store } = coordinator
  const operator = await store.createAccount({ name: 'Op', role: 'operator', payoutAddress: operatorWallet.account.address })
  const earned = [parseUnits('0.3', 18) + 1n, parseUnits('1.25', 18), 17n]
  for (const [epoch, amount] of earned.entries()) {
    await store.postTransaction({ id: `epoch-${epoch}`, kind: 'test-usage', entries: [{ ledgerAccount: 'system:test', amount: -amount }, { ledgerAccount: `operator:${operator.id}:pending`, amount }] })
    // The epoch ends and closes; its close runs settlement (no explicit settle() call).
    nowMs = startMs + (epoch + 2) * epochMs
    assert.deepEqual((await coordinator.rewards.closeDueEpochs()).map((closed) => closed.result.status), ['closed'])
    await coordinator.settlementTrigger?.running
    assert.equal(await coordinator.settlement?.settler.settle().then((outcome) => outcome.status), 'unchanged', `epoch ${epoch}'s close already settled`)
  }
  const keyFile = join(dir, 'operator.key')
  await writeFile(keyFile, `${ANVIL_DEV_KEYS[2]}\n`, { mode: 0o600 })

  const claimOnce = async (): Promise<string> => {
    const child = runCli(['claim', '--coordinator', coordinator.url, '--rpc', anvil.rpcUrl, '--key-file', keyFile])
    const stdout = collect(child.stdout)
    const stderr = collect(child.stderr)
    const exit = await waitForExit(child)
    assert.equal(exit.code, 0, stderr())
    return stdout()
  }
  const first = await claimOnce()
  assert.match(first, /confirming 0x[0-9a-f]{8}…: 1\/1 blocks/)
  const total = earned.reduce((sum, amount) => sum + amount, 0n)
  assert.match(first, new RegExp(`received 1\\.550000000000000018 MSN \\(${total} base units\\)`))
  const balance = await publicClient.readContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'balanceOf', args: [operatorWallet.account.address] })
  assert.equal(balance, await store.getBalance(`operator:${operator.id}:pending`))
  assert.equal(balance, total)
  assert.match(await claimOnce(), /received 0 MSN/)

  const buyer = await store.createAccount({ name: 'Buyer', role: 'buyer' })
  await runDeposit({ coordinatorUrl: coordinator.url, rpcUrl: anvil.rpcUrl, privateKey: ANVIL_DEV_KEYS[3], accountId: buyer.id, amount: parseUnits('10', 18), confirmations: 1, write: () => undefined })
  // The watcher polls every 100 ms; wait (without a timing assertion) until it credits.
  for (let attempt = 0; attempt < 200 && (await store.getBalance(`buyer:${buyer.id}`)) === 0n; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50))
  await coordinator.settlement?.deposits.poll()
  assert.equal(await store.getBalance(`buyer:${buyer.id}`), parseUnits('10', 18))
})
