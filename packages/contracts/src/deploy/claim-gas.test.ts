import assert from 'node:assert/strict'
import { test } from 'node:test'
import { measureClaimGas } from '../testing/measure-claim-gas.ts'
import { openTestChain } from '../testing/open-test-chain.ts'

test('a claim is reported next to a Uniswap-MerkleDistributor-style claim on the same chain', async (t) => {
  const chain = await openTestChain(t)
  if (chain === undefined) return
  const [wallet] = chain.wallets
  assert.ok(wallet)
  const gas = await measureClaimGas({ wallet, publicClient: chain.publicClient, leaves: 1000, claims: 3 })
  t.diagnostic(`claim gas, 1000 leaves, proof steps ${gas.proofSteps.cumulative}/${gas.proofSteps.uniswapStyle}: cumulative ${gas.cumulative.join(', ')}; uniswap-style ${gas.uniswapStyle.join(', ')}; cumulative repeat claim after a new root ${gas.cumulativeRepeat}`)
  assert.equal(gas.cumulative.length, 3)
  assert.equal(gas.uniswapStyle.length, 3)
  // Both paid (a revert would have thrown); a claim costs more than a bare transfer.
  for (const used of [...gas.cumulative, ...gas.uniswapStyle]) assert.ok(used > 21_000n)
  // Issue #12: a first claim costs at most the Uniswap design's first claim (a fresh bitmap
  // word) at this size, where both proofs have the same number of steps.
  assert.equal(gas.proofSteps.cumulative, gas.proofSteps.uniswapStyle)
  assert.ok((gas.cumulative[0] ?? 0n) <= (gas.uniswapStyle[0] ?? 0n), `first claim ${gas.cumulative[0]} > uniswap-style ${gas.uniswapStyle[0]}`)
  // A repeat claim writes a non-zero slot again: cheaper than any claim of the Uniswap design,
  // even one into a bitmap word already written.
  assert.ok(gas.cumulativeRepeat < (gas.uniswapStyle[1] ?? 0n))
})
