import { SimpleMerkleTree, StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { encodePacked, keccak256, parseUnits } from 'viem'
import type { Address, Hex, PublicClient } from 'viem'
import { cumulativeMerkleDistributorAbi } from '../abi/cumulative-merkle-distributor-abi.ts'
import { mesonTokenAbi } from '../abi/meson-token-abi.ts'
import { uniswapStyleMerkleDistributorAbi } from '../abi/uniswap-style-merkle-distributor-abi.ts'
import { deployContract } from '../deploy/deploy-contract.ts'
import type { SigningWalletClient } from '../deploy/deploy-contract.ts'
import { deployNetworkContracts } from '../deploy/deploy-network-contracts.ts'

/** Gas used by consecutive claims (accounts 0, 1, 2 ... of the same tree) in each design. */
export interface ClaimGasComparison {
  readonly leaves: number
  readonly cumulative: readonly bigint[]
  readonly uniswapStyle: readonly bigint[]
  /** Our claim by account 0 again after a second root raised its cumulative amount. */
  readonly cumulativeRepeat: bigint
  /** Proof steps of each design's first claim (trees of n leaves have steps floor or ceil of log2 n). */
  readonly proofSteps: { readonly cumulative: number; readonly uniswapStyle: number }
}

/**
 * Deploys our cumulative distributor and the Uniswap-style one over the same accounts and
 * amounts on one chain (both compiled by `ensureArtifacts` with the same solc settings), and
 * claims the first `claims` accounts in both. Claimants are fresh addresses (no token balance
 * yet), as for a first payout. Uniswap index 0 writes a fresh bitmap word, as our first claim
 * of an account writes a fresh `claimed` slot; indexes 1, 2 share that word.
 */
export async function measureClaimGas(parameters: {
  readonly wallet: SigningWalletClient
  readonly publicClient: PublicClient
  readonly leaves: number
  readonly claims: number
}): Promise<ClaimGasComparison> {
  const { wallet, publicClient } = parameters
  const me = wallet.account.address
  const addressOf = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}`
  const accounts: Address[] = Array.from({ length: parameters.leaves }, (_, index) => addressOf(index + 1))
  // Each design pays its own fresh recipients: paying the same address twice would make
  // the second design's token transfer cheaper (a non-zero balance slot), not its claim.
  const uniswapAccounts: Address[] = Array.from({ length: parameters.leaves }, (_, index) => addressOf(index + 1 + 0x1000000))
  const amount = (index: number): bigint => parseUnits(String(index + 1), 18)
  const ours = await deployNetworkContracts({ wallet, publicClient, minter: me, settler: me })
  const standard = StandardMerkleTree.of(accounts.map((account, index): [Address, bigint] => [account, amount(index)]), ['address', 'uint256'])
  const uniswapLeaves = uniswapAccounts.map((account, index) => keccak256(encodePacked(['uint256', 'address', 'uint256'], [BigInt(index), account, amount(index)])))
  const simple = SimpleMerkleTree.of(uniswapLeaves)
  const theirs = await deployContract({ wallet, publicClient, contract: 'UniswapStyleMerkleDistributor', args: [ours.token, simple.root] })
  const send = async (hash: Promise<Hex>): Promise<bigint> => (await publicClient.waitForTransactionReceipt({ hash: await hash })).gasUsed
  const total = parseUnits('1000000000', 18)
  await send(wallet.writeContract({ address: ours.token, abi: mesonTokenAbi, functionName: 'mint', args: [ours.distributor, total], chain: wallet.chain, account: wallet.account }))
  await send(wallet.writeContract({ address: ours.token, abi: mesonTokenAbi, functionName: 'mint', args: [theirs, total], chain: wallet.chain, account: wallet.account }))
  await send(wallet.writeContract({ address: ours.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'postRoot', args: [1n, standard.root as Hex], chain: wallet.chain, account: wallet.account }))
  const proofSteps = { cumulative: standard.getProof(0).length, uniswapStyle: simple.getProof(uniswapLeaves[0] ?? '0x').length }
  const cumulative: bigint[] = []
  const uniswapStyle: bigint[] = []
  for (let index = 0; index < parameters.claims; index += 1) {
    const account = accounts[index]
    const uniswapAccount = uniswapAccounts[index]
    if (account === undefined || uniswapAccount === undefined) break
    cumulative.push(await send(wallet.writeContract({ address: ours.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [account, amount(index), standard.getProof(index) as Hex[]], chain: wallet.chain, account: wallet.account })))
    const uniswapProof = simple.getProof(uniswapLeaves[index] ?? '0x') as Hex[]
    uniswapStyle.push(await send(wallet.writeContract({ address: theirs, abi: uniswapStyleMerkleDistributorAbi, functionName: 'claim', args: [BigInt(index), uniswapAccount, amount(index), uniswapProof], chain: wallet.chain, account: wallet.account })))
  }
  // A later epoch: ours posts a new root and the same account claims the difference
  // (the Uniswap design would need a new distributor, whose first claim is uniswapStyle[0]).
  const next = StandardMerkleTree.of(accounts.map((account, index): [Address, bigint] => [account, 2n * amount(index)]), ['address', 'uint256'])
  await send(wallet.writeContract({ address: ours.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'postRoot', args: [2n, next.root as Hex], chain: wallet.chain, account: wallet.account }))
  const first = accounts[0] ?? me
  const cumulativeRepeat = await send(wallet.writeContract({ address: ours.distributor, abi: cumulativeMerkleDistributorAbi, functionName: 'claim', args: [first, 2n * amount(0), next.getProof(0) as Hex[]], chain: wallet.chain, account: wallet.account }))
  return { leaves: parameters.leaves, cumulative, uniswapStyle, cumulativeRepeat, proofSteps }
}
