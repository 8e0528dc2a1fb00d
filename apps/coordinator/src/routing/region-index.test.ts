import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { buildRegionIndex, groupCountFor, groupHashOf, MAX_PROBED_GROUPS, nodesOfGroup, pickInRegion } from './region-index.ts'
import type { IndexedNode } from './region-index.ts'
import { hashString32 } from './stable-hash.ts'
import { testNode } from '../testing/test-fleet.ts'

function indexed(count: number, prefix = 'n'): IndexedNode[] {
  return Array.from({ length: count }, (_, index) => {
    const node = testNode(`${prefix}${index}`)
    return { node, idHash: hashString32(node.nodeId) }
  })
}

describe('groupCountFor', () => {
  const cases: readonly (readonly [string, number, number | undefined, number])[] = [
    ['one group for an empty region', 0, undefined, 1],
    ['one group up to 32 nodes', 32, undefined, 1],
    ['two groups from 33 nodes', 33, undefined, 2],
    ['4096 groups (mean 24.4) for 100 000 nodes', 100_000, undefined, 4096],
    ['keeps one group while the mean stays at or below 40', 40, 1, 1],
    ['splits one group past a mean of 40', 41, 1, 2],
    ['keeps the previous count while the mean is within [8, 40]', 600, 32, 32],
    ['keeps 32 groups down to a mean of 8', 256, 32, 32],
    ['shrinks below a mean of 8, to a mean of at most 32', 255, 32, 8],
    ['grows above a mean of 40, to a mean of at most 32', 1281, 32, 64],
  ]
  for (const [name, nodeCount, previous, expected] of cases) {
    it(`${name}: ${nodeCount} nodes, previous ${String(previous)} → ${expected}`, () => {
      assert.equal(groupCountFor(nodeCount, previous), expected)
    })
  }
})

describe('buildRegionIndex', () => {
  it('puts every node in exactly one group', () => {
    const nodes = indexed(1000)
    const index = buildRegionIndex(nodes, undefined)
    assert.equal(index.nodeCount, 1000)
    const seen = Array.from({ length: index.groupCount }, (_, group) => nodesOfGroup(index, group)).flat()
    assert.equal(seen.length, 1000)
    assert.equal(new Set(seen.map((node) => node.nodeId)).size, 1000)
  })

  it('keeps every group of a 100 000-node region at most 64 wide', () => {
    const index = buildRegionIndex(indexed(100_000), undefined)
    assert.equal(index.groupCount, 4096)
    const sizes = Array.from({ length: index.groupCount }, (_, group) => nodesOfGroup(index, group).length)
    assert.ok(Math.max(...sizes) <= 64, `widest group ${Math.max(...sizes)}`)
    assert.ok(Math.min(...sizes) > 0, 'no empty group at a mean of 24')
  })
})

describe('pickInRegion', () => {
  it('places every node of a group by its id hash', () => {
    const index = buildRegionIndex(indexed(500), undefined)
    for (let group = 0; group < index.groupCount; group++) {
      for (const node of nodesOfGroup(index, group)) assert.equal(groupHashOf(hashString32(node.nodeId)) & (index.groupCount - 1), group)
    }
  })

  it('returns undefined for an empty region', () => {
    assert.equal(pickInRegion(buildRegionIndex([], undefined), 1, 2), undefined)
  })

  it('spills a key into the next groups when its own group is full, and gives up after a bounded probe', () => {
    // 16 groups; overload every node but one, so most keys must probe.
    const nodes = indexed(400).map((entry, index) => (index === 0 ? entry : { ...entry, node: { ...entry.node, load: 1 } }))
    const index = buildRegionIndex(nodes, undefined)
    assert.equal(index.groupCount, 16)
    let found = 0
    for (let key = 0; key < 200; key++) {
      const chosen = pickInRegion(index, hashString32(`k${key}`), 2)
      if (chosen !== undefined) {
        assert.equal(chosen.nodeId, nodes[0]?.node.nodeId)
        found++
      }
    }
    // The one free node is reachable from its own group and the 7 before it: about half the keys.
    assert.ok(found > 0 && found < 200, `found ${found}`)
    assert.equal(MAX_PROBED_GROUPS, 8)
  })
})
