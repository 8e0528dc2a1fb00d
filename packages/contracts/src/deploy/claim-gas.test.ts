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
  t.diagnostic(`claim gas, 1000 leaves: cumulative ${gas.cumulative.join(', ')}; uniswap-style ${gas.uniswapStyle.join(', ')}; cumulative repeat claim after a new root ${gas.cumulativeRepeat}`)
  assert.equal(gas.cumulative.length, 3)
  assert.equal(gas.uniswapStyle.length, 3)
  // Both paid (a revert would have thrown); a claim costs more than a bare transfer.
  for (const used of [...gas.cumulative, ...gas.uniswapStyle]) assert.ok(used > 21_000n)
  // A repeat claim writes a non-zero slot again: cheaper than any first claim of either design.
  assert.ok(gas.cumulativeRepeat < (gas.uniswapStyle[0] ?? 0n))
})
