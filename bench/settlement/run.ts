import { performance } from 'node:perf_hooks'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { getAddress } from 'viem'
import type { Address } from 'viem'
import { buildCumulativeMerkleTree } from '@meson/coordinator/testing'
import type { CumulativeEntry } from '@meson/coordinator/testing'
import { measureClaimGas } from '@meson/contracts/testing'
import { openBenchChain } from './open-bench-chain.ts'

/**
 * bench/settlement: our cumulative tree builder next to @openzeppelin/merkle-tree's
 * StandardMerkleTree on the same entries in the same process (build, then proofs for
 * PROOFS accounts spread over the tree), and our claim's gas next to a
 * Uniswap-MerkleDistributor-style claim on one anvil chain.
 * Both distributors are compiled with the same solc settings (packages/contracts).
 *   npx node bench/settlement/run.ts            SIZES=10000,1000000 PROOFS=10000 CLAIM_LEAVES=1000
 */
const sizes = (process.env.SIZES ?? '10000,1000000').split(',').map(Number)
const proofCount = Number(process.env.PROOFS ?? '10000')
const claimLeaves = (process.env.CLAIM_LEAVES ?? '1000').split(',').map(Number)

function entriesOf(count: number): CumulativeEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    account: getAddress(`0x${(BigInt(index + 1) * 0x9e3779b97f4a7c15n).toString(16).padStart(40, '0').slice(-40)}`),
    cumulativeAmount: BigInt(index + 1) * 10n ** 15n + BigInt(index),
  }))
}

function timeMs(run: () => void): number {
  const started = performance.now()
  run()
  return performance.now() - started
}

for (const size of sizes) {
  const entries = entriesOf(size)
  const stride = Math.max(1, Math.floor(size / proofCount))
  const sample = entries.filter((_, index) => index % stride === 0).slice(0, proofCount)
  let ours: ReturnType<typeof buildCumulativeMerkleTree> | undefined
  const oursBuildMs = timeMs(() => (ours = buildCumulativeMerkleTree(entries)))
  const oursProofMs = timeMs(() => {
    for (const entry of sample) if (ours?.proofFor(entry.account) === undefined) throw new Error('missing proof')
  })
  let theirs: StandardMerkleTree<[Address, bigint]> | undefined
  const theirBuildMs = timeMs(() => (theirs = StandardMerkleTree.of(entries.map((entry): [Address, bigint] => [entry.account, entry.cumulativeAmount]), ['address', 'uint256'])))
  // OpenZeppelin looks a leaf up by index; the stride maps sample i to entry i*stride only
  // before its sort, so find indexes through its entries() once (not timed).
  const wanted = new Set(sample.map((entry) => entry.account))
  const indexes: number[] = []
  for (const [index, [account]] of theirs?.entries() ?? []) if (wanted.has(account)) indexes.push(index)
  const theirProofMs = timeMs(() => {
    for (const index of indexes) theirs?.getProof(index)
  })
  if (ours?.root !== theirs?.root) throw new Error(`roots differ at ${size}: ${ours?.root} vs ${theirs?.root}`)
  const oursTotal = oursBuildMs + oursProofMs
  const theirTotal = theirBuildMs + theirProofMs
  console.log(
    `${size} accounts, ${sample.length} proofs: ours build ${oursBuildMs.toFixed(0)} ms + proofs ${oursProofMs.toFixed(0)} ms; ` +
      `@openzeppelin/merkle-tree build ${theirBuildMs.toFixed(0)} ms + proofs ${theirProofMs.toFixed(0)} ms; ` +
      `ratio ${(theirTotal / oursTotal).toFixed(1)}x (build ${(theirBuildMs / oursBuildMs).toFixed(1)}x, proofs ${(theirProofMs / oursProofMs).toFixed(1)}x); same root ${ours?.root ?? ''}`,
  )
}

const chain = await openBenchChain()
if (chain === undefined) {
  console.log('claim gas: skipped, anvil (@foundry-rs/anvil) is not installed')
} else {
  try {
    for (const leaves of claimLeaves) {
      const gas = await measureClaimGas({ wallet: chain.wallet, publicClient: chain.publicClient, leaves, claims: 3 })
      const [first = 0n, ...nextFirsts] = gas.cumulative
      const [theirFirst = 0n, ...theirLater] = gas.uniswapStyle
      const ratio = (ours: bigint, theirs: bigint): string => (Number(ours) / Number(theirs)).toFixed(3)
      console.log(
        `claim gas, ${leaves} leaves (proof steps ours ${gas.proofSteps.cumulative}, uniswap-style ${gas.proofSteps.uniswapStyle}), fresh recipients: ` +
          `first claim ours ${first} vs uniswap-style ${theirFirst} (fresh bitmap word), ratio ${ratio(first, theirFirst)}; ` +
          `more first claims ours ${nextFirsts.join(', ')}; ` +
          `repeat claim ours ${gas.cumulativeRepeat} (same account, new root) vs uniswap-style ${theirLater.join(', ')} (bitmap word already written), ` +
          `ratio ${ratio(gas.cumulativeRepeat, theirLater[0] ?? 1n)}`,
      )
    }
  } finally {
    await chain.stop()
  }
}
