import assert from 'node:assert/strict'
import { test } from 'node:test'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { parseEventLogs, parseUnits } from 'viem'
import type { Address, Hex } from 'viem'
import { cumulativeMerkleDistributorAbi } from '../abi/cumulative-merkle-distributor-abi.ts'
import { depositVaultAbi } from '../abi/deposit-vault-abi.ts'
import { mesonTokenAbi } from '../abi/meson-token-abi.ts'
import { decodeAccountId, encodeAccountId } from '../deposit/account-id-bytes.ts'
import { expectRevert } from '../testing/expect-revert.ts'
import { openTestChain } from '../testing/open-test-chain.ts'
import { deployNetworkContracts } from './deploy-network-contracts.ts'

const MSN = (amount: string): bigint => parseUnits(amount, 18)

function treeOf(entries: readonly (readonly [Address, bigint])[]): StandardMerkleTree<[Address, bigint]> {
  return StandardMerkleTree.of(entries.map(([account, amount]): [Address, bigint] => [account, amount]), ['address', 'uint256'])
}

function proofOf(tree: StandardMerkleTree<[Address, bigint]>, account: Address): Hex[] {
  for (const [index, [leafAccount]] of tree.entries()) {
    if (leafAccount === account) return tree.getProof(index) as Hex[]
  }
  throw new Error(`no leaf for ${account}`)
}

test('the network contracts on a real anvil chain', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const { publicClient, wallets } = chain
  const [deployer, settler, operatorA, operatorB, stranger] = wallets
  assert.ok(deployer && settler && operatorA && operatorB && stranger)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: settler.account.address })
  const write = async (hash: Promise<Hex>): Promise<Hex> => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash: await hash })
    assert.equal(receipt.status, 'success')
    return receipt.transactionHash
  }
  const balanceOf = (account: Address): Promise<bigint> =>
    publicClient.readContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'balanceOf', args: [account] })
  const postRoot = (sequence: bigint, root: Hex, wallet = settler): Promise<Hex> =>
    wallet.writeContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'postRoot', args: [sequence, root], chain: wallet.chain, account: wallet.account })
  const claim = (account: Address, amount: bigint, proof: Hex[], wallet = stranger): Promise<Hex> =>
    wallet.writeContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [account, amount, proof], chain: wallet.chain, account: wallet.account })

  await write(deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [contracts.distributor, MSN('1000')], chain: deployer.chain, account: deployer.account }))

  await t.test('only the named minter mints, only the named settler posts roots', async () => {
    assert.equal(await publicClient.readContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'decimals' }), 18)
    await expectRevert(stranger.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [stranger.account.address, 1n], chain: stranger.chain, account: stranger.account }), 'AccessControlUnauthorizedAccount')
    await expectRevert(settler.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [settler.account.address, 1n], chain: settler.chain, account: settler.account }), 'AccessControlUnauthorizedAccount')
    await expectRevert(postRoot(1n, `0x${'11'.repeat(32)}`, deployer), 'AccessControlUnauthorizedAccount')
    await expectRevert(postRoot(1n, `0x${'11'.repeat(32)}`, stranger), 'AccessControlUnauthorizedAccount')
  })

  const first = treeOf([[operatorA.account.address, MSN('10')], [operatorB.account.address, MSN('3')]])
  await t.test('a root must carry the next sequence number, so a retried root is refused', async () => {
    await expectRevert(postRoot(2n, first.root as Hex), 'UnexpectedSequence')
    const hash = await write(postRoot(1n, first.root as Hex))
    const receipt = await publicClient.getTransactionReceipt({ hash })
    const [event] = parseEventLogs({ abi: cumulativeMerkleDistributorAbi, logs: receipt.logs, eventName: 'RootPosted' })
    assert.equal(event?.args.sequence, 1n)
    assert.equal(event.args.root, first.root)
    await expectRevert(postRoot(1n, first.root as Hex), 'UnexpectedSequence')
  })

  await t.test('a bad proof or a wrong amount is refused', async () => {
    await expectRevert(claim(operatorA.account.address, MSN('11'), proofOf(first, operatorA.account.address)), 'InvalidProof')
    await expectRevert(claim(operatorA.account.address, MSN('10'), proofOf(first, operatorB.account.address)), 'InvalidProof')
    await expectRevert(claim(stranger.account.address, MSN('10'), proofOf(first, operatorA.account.address)), 'InvalidProof')
  })

  await t.test('anyone may claim for an account; the tokens go to the account', async () => {
    const before = await balanceOf(stranger.account.address)
    const hash = await write(claim(operatorA.account.address, MSN('10'), proofOf(first, operatorA.account.address)))
    assert.equal(await balanceOf(operatorA.account.address), MSN('10'))
    assert.equal(await balanceOf(stranger.account.address), before)
    const receipt = await publicClient.getTransactionReceipt({ hash })
    const [event] = parseEventLogs({ abi: cumulativeMerkleDistributorAbi, logs: receipt.logs, eventName: 'Claimed' })
    assert.deepEqual(event?.args, { account: operatorA.account.address, amount: MSN('10') })
  })

  await t.test('a second claim of the same cumulative amount pays nothing', async () => {
    await expectRevert(claim(operatorA.account.address, MSN('10'), proofOf(first, operatorA.account.address)), 'NothingToClaim')
    assert.equal(await balanceOf(operatorA.account.address), MSN('10'))
  })

  await t.test('across several roots a claim pays only what the latest adds', async () => {
    const second = treeOf([[operatorA.account.address, MSN('12.5')], [operatorB.account.address, MSN('3')]])
    const third = treeOf([[operatorA.account.address, MSN('20')], [operatorB.account.address, MSN('4')]])
    await write(postRoot(2n, second.root as Hex))
    await write(postRoot(3n, third.root as Hex))
    // Older roots' proofs no longer verify: only the latest root is ever needed.
    await expectRevert(claim(operatorA.account.address, MSN('12.5'), proofOf(second, operatorA.account.address)), 'InvalidProof')
    await write(claim(operatorA.account.address, MSN('20'), proofOf(third, operatorA.account.address), operatorA))
    assert.equal(await balanceOf(operatorA.account.address), MSN('20'))
    // B never claimed root 1: its first claim pays its whole cumulative amount.
    await write(claim(operatorB.account.address, MSN('4'), proofOf(third, operatorB.account.address)))
    assert.equal(await balanceOf(operatorB.account.address), MSN('4'))
    assert.equal(await publicClient.readContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claimed', args: [operatorB.account.address] }), MSN('4'))
  })

  await t.test('a deposit moves tokens into the vault and names the account id in its event', async () => {
    const buyer = stranger
    await write(deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [buyer.account.address, MSN('50')], chain: deployer.chain, account: deployer.account }))
    await write(buyer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'approve', args: [contracts.vault, MSN('50')], chain: buyer.chain, account: buyer.account }))
    const accountId = encodeAccountId('acc_abcdefghijklmnopqrst')
    assert.ok(accountId)
    await expectRevert(buyer.writeContract({ address: contracts.vault, abi: depositVaultAbi, functionName: 'deposit', args: [accountId, 0n], chain: buyer.chain, account: buyer.account }), 'ZeroAmount')
    const hash = await write(buyer.writeContract({ address: contracts.vault, abi: depositVaultAbi, functionName: 'deposit', args: [accountId, MSN('10')], chain: buyer.chain, account: buyer.account }))
    const receipt = await publicClient.getTransactionReceipt({ hash })
    const [event] = parseEventLogs({ abi: depositVaultAbi, logs: receipt.logs, eventName: 'Deposited' })
    assert.equal(event?.args.amount, MSN('10'))
    assert.equal(event.args.from, buyer.account.address)
    assert.equal(decodeAccountId(event.args.accountId), 'acc_abcdefghijklmnopqrst')
    assert.equal(await balanceOf(contracts.vault), MSN('10'))
    await expectRevert(stranger.writeContract({ address: contracts.vault, abi: depositVaultAbi, functionName: 'withdraw', args: [stranger.account.address, 1n], chain: stranger.chain, account: stranger.account }), 'AccessControlUnauthorizedAccount')
  })
})

test('the claim checks proofs as OpenZeppelin MerkleProof does, over trees of several depths', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const { publicClient, wallets } = chain
  const [deployer, stranger] = wallets
  assert.ok(deployer && stranger)
  const contracts = await deployNetworkContracts({ wallet: deployer, publicClient, minter: deployer.account.address, settler: deployer.account.address })
  const write = async (hash: Promise<Hex>): Promise<void> => {
    assert.equal((await publicClient.waitForTransactionReceipt({ hash: await hash })).status, 'success')
  }
  const balanceOf = (account: Address): Promise<bigint> =>
    publicClient.readContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'balanceOf', args: [account] })
  const claimedBy = (account: Address): Promise<bigint> =>
    publicClient.readContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claimed', args: [account] })
  // The token's own errors too, so a revert passed on from the token is decoded by name.
  const abi = [...cumulativeMerkleDistributorAbi, ...mesonTokenAbi.filter((item) => item.type === 'error')]
  const claim = (account: Address, amount: bigint, proof: Hex[]): Promise<Hex> =>
    stranger.writeContract({ address: contracts.distributor, abi, functionName: 'claim', args: [account, amount, proof], chain: stranger.chain, account: stranger.account })
  const postRoot = (sequence: bigint, root: string): Promise<void> =>
    write(deployer.writeContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'postRoot', args: [sequence, root as Hex], chain: deployer.chain, account: deployer.account }))
  await write(deployer.writeContract({ address: contracts.token, abi: mesonTokenAbi, functionName: 'mint', args: [contracts.distributor, MSN('1000')], chain: deployer.chain, account: deployer.account }))

  // 37 leaves: proofs of 5 and 6 steps in one tree.
  const accounts: Address[] = Array.from({ length: 37 }, (_, index): Address => `0x${(0xabc000 + index).toString(16).padStart(40, '0')}`)
  const tree = treeOf(accounts.map((account, index): [Address, bigint] => [account, BigInt(index + 1) * 1_000_003n]))
  await postRoot(1n, tree.root)

  await t.test('a proof one step short, one step long, or with a changed step is refused', async () => {
    const account = accounts[5] ?? '0x'
    const proof = proofOf(tree, account)
    const changed = proof.map((step, index) => (index === 2 ? (`0x${'00'.repeat(31)}01` as Hex) : step))
    for (const bad of [proof.slice(0, -1), [...proof, proof[0] ?? '0x'], changed, []]) {
      await expectRevert(claim(account, 6n * 1_000_003n, bad), 'InvalidProof')
    }
    assert.equal(await claimedBy(account), 0n)
  })

  await t.test('every leaf claims, the call returns what it paid, and the account gets exactly that', async () => {
    for (const [index, account] of accounts.entries()) {
      const amount = BigInt(index + 1) * 1_000_003n
      const simulated = await publicClient.simulateContract({ address: contracts.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [account, amount, proofOf(tree, account)], account: stranger.account.address })
      const paid: bigint = simulated.result
      assert.equal(paid, amount)
      await write(claim(account, amount, proofOf(tree, account)))
      assert.equal(await balanceOf(account), amount)
      assert.equal(await claimedBy(account), amount)
    }
  })

  await t.test('a one-leaf tree needs an empty proof', async () => {
    const only = accounts[0] ?? '0x'
    const single = treeOf([[only, 5_000_000n]])
    await postRoot(2n, single.root)
    assert.deepEqual(proofOf(single, only), [])
    await write(claim(only, 5_000_000n, []))
    assert.equal(await balanceOf(only), 5_000_000n)
  })

  await t.test('when the distributor lacks the tokens, the revert of the token is passed on and nothing is recorded', async () => {
    const rich: Address = `0x${'ee'.repeat(20)}`
    const tooMuch = treeOf([[rich, MSN('1000000')], [accounts[1] ?? '0x', 1n]])
    await postRoot(3n, tooMuch.root)
    await expectRevert(claim(rich, MSN('1000000'), proofOf(tooMuch, rich)), 'ERC20InsufficientBalance')
    assert.equal(await claimedBy(rich), 0n)
    assert.equal(await balanceOf(rich), 0n)
  })
})
