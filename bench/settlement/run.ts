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
 *   npx node bench/settlement/run.ts            SIZES=10000,1000000 PROOFS=10000
 */
const sizes = (process.env.SIZES ?? '10000,1000000').split(',').map(Number)
const proofCount = Number(process.env.PROOFS ?? '10000')

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
    const gas = await measureClaimGas({ wallet: chain.wallet, publicClient: chain.publicClient, leaves: 1000, claims: 3 })
    console.log(`claim gas (1000 leaves, fresh recipients): cumulative ${gas.cumulative.join(', ')}; uniswap-style ${gas.uniswapStyle.join(', ')}; ` +
      `first-claim ratio ${(Number(gas.cumulative[0]) / Number(gas.uniswapStyle[0])).toFixed(3)}; cumulative repeat claim after a new root ${gas.cumulativeRepeat}`)
  } finally {
    await chain.stop()
  }
}
