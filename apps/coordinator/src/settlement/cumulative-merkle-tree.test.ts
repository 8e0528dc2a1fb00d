import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { StandardMerkleTree } from '@openzeppelin/merkle-tree'
import { getAddress, parseUnits } from 'viem'
import type { Address } from 'viem'
import { buildCumulativeMerkleTree } from './cumulative-merkle-tree.ts'
import type { CumulativeEntry } from './cumulative-merkle-tree.ts'

function entriesOf(count: number, seed: number): CumulativeEntry[] {
  return Array.from({ length: count }, (_, index) => ({
    account: getAddress(`0x${((index + 1) * 2654435761 + seed).toString(16).padStart(40, 'a')}`),
    cumulativeAmount: parseUnits(String(index * 7 + seed), 18) + BigInt(index),
  }))
}

describe('buildCumulativeMerkleTree', () => {
  for (const count of [1, 2, 3, 4, 5, 17, 256, 1000]) {
    it(`has the same root as OpenZeppelin's StandardMerkleTree for ${count} entries, and OpenZeppelin verifies every proof`, () => {
      const entries = entriesOf(count, count)
      const ours = buildCumulativeMerkleTree(entries)
      const theirs = StandardMerkleTree.of(entries.map((entry): [Address, bigint] => [entry.account, entry.cumulativeAmount]), ['address', 'uint256'])
      assert.equal(ours.root, theirs.root)
      for (const entry of entries) {
        const leaf = ours.proofFor(entry.account)
        assert.ok(leaf)
        assert.equal(leaf.cumulativeAmount, entry.cumulativeAmount)
        assert.equal(StandardMerkleTree.verify(ours.root, ['address', 'uint256'], [entry.account, entry.cumulativeAmount], leaf.proof), true)
      }
    })
  }

  it('finds an account whatever the case of its hex digits', () => {
    const [entry] = entriesOf(1, 3)
    assert.ok(entry)
    assert.ok(buildCumulativeMerkleTree([entry]).proofFor(entry.account.toLowerCase() as Address))
  })

  it('a proof does not verify for another amount', () => {
    const entries = entriesOf(10, 1)
    const tree = buildCumulativeMerkleTree(entries)
    const [first] = entries
    assert.ok(first)
    const leaf = tree.proofFor(first.account)
    assert.ok(leaf)
    assert.equal(StandardMerkleTree.verify(tree.root, ['address', 'uint256'], [first.account, first.cumulativeAmount + 1n], leaf.proof), false)
  })

  it('has no proof for an account outside the tree', () => {
    assert.equal(buildCumulativeMerkleTree(entriesOf(3, 2)).proofFor('0x0000000000000000000000000000000000000001'), undefined)
  })

  it('refuses an empty list, a duplicate account and a negative amount', () => {
    const [entry] = entriesOf(1, 5)
    assert.ok(entry)
    assert.throws(() => buildCumulativeMerkleTree([]), RangeError)
    assert.throws(() => buildCumulativeMerkleTree([entry, { ...entry, account: entry.account.toLowerCase() as Address }]), RangeError)
    assert.throws(() => buildCumulativeMerkleTree([{ ...entry, cumulativeAmount: -1n }]), RangeError)
  })
})
