import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { FleetNode } from './fleet-node.ts'
import { buildFleetView } from './fleet-view.ts'
import type { FleetView } from './fleet-view.ts'
import { selectNode } from './select-node.ts'
import type { SelectNodeParameters } from './select-node.ts'
import { testNode } from '../testing/test-fleet.ts'

const berlin = testNode('berlin', { country: 'DE', continent: 'EU' })
const paris = testNode('paris', { country: 'FR', continent: 'EU' })
const tokyo = testNode('tokyo', { country: 'JP', continent: 'AS' })
const lan = testNode('lan', { country: 'local', continent: 'local', publicUrl: 'http://127.0.0.1:9001' })

const NAMES = new Map([berlin, paris, tokyo, lan].map((node, index) => [node.nodeId, ['berlin', 'paris', 'tokyo', 'lan'][index] ?? '']))

/** "<node>@<scope>" or the failure reason, for a client in Germany unless told. */
function select(nodes: readonly FleetNode[], client: Partial<SelectNodeParameters> = {}): string {
  const result = selectNode({
    fleet: buildFleetView(nodes),
    objectKey: 'zone\n/a.png',
    clientCountry: 'DE',
    clientContinent: 'EU',
    ...client,
  })
  return result.ok ? `${NAMES.get(result.node.nodeId) ?? 'other'}@${result.scope}` : result.reason
}

describe('selectNode: which region', () => {
  const cases: readonly {
    readonly name: string
    readonly nodes: readonly FleetNode[]
    readonly client?: Partial<SelectNodeParameters>
    readonly expected: string
  }[] = [
    { name: 'prefers a node in the client country', nodes: [berlin, paris, tokyo], expected: 'berlin@country' },
    { name: 'falls back to the client continent', nodes: [paris, tokyo], expected: 'paris@continent' },
    { name: 'falls back to any public node', nodes: [tokyo], expected: 'tokyo@world' },
    { name: 'skips an unhealthy node in the country', nodes: [{ ...berlin, healthy: false }, paris], expected: 'paris@continent' },
    { name: 'skips an overloaded node (load 0.95)', nodes: [{ ...berlin, load: 0.95 }, paris], expected: 'paris@continent' },
    { name: 'takes a node just under the overload threshold', nodes: [{ ...berlin, load: 0.94 }, paris], expected: 'berlin@country' },
    { name: 'treats a NaN load as overloaded', nodes: [{ ...berlin, load: Number.NaN }, paris], expected: 'paris@continent' },
    { name: 'skips a node of weight 0', nodes: [{ ...berlin, weight: 0 }, paris], expected: 'paris@continent' },
    { name: 'has nothing for an empty fleet', nodes: [], expected: 'no-eligible-node' },
    { name: 'has nothing when every node is down or overloaded', nodes: [{ ...berlin, healthy: false }, { ...paris, load: 1 }], expected: 'no-eligible-node' },
    { name: 'goes straight to the world for a client GeoIP does not know', nodes: [berlin, tokyo], client: { clientCountry: undefined, clientContinent: undefined }, expected: 'tokyo@world' },
    { name: 'sends a local client to a local node', nodes: [berlin, lan], client: { clientCountry: 'local', clientContinent: 'local' }, expected: 'lan@country' },
    { name: 'sends a local client to a public node when there is no local one', nodes: [tokyo], client: { clientCountry: 'local', clientContinent: 'local' }, expected: 'tokyo@world' },
    { name: 'never sends a public client to a node on a private address', nodes: [lan], expected: 'no-eligible-node' },
    { name: 'ignores a country code it has no nodes for', nodes: [paris], client: { clientCountry: '__proto__', clientContinent: 'constructor' }, expected: 'paris@world' },
  ]
  for (const testCase of cases) {
    it(testCase.name, () => {
      assert.equal(select(testCase.nodes, testCase.client), testCase.expected)
    })
  }
})

/** Where each of `keys` objects goes (replicas 1: pure affinity, load plays no part). */
function placements(fleet: FleetView, keys: number, country = 'DE'): string[] {
  return Array.from({ length: keys }, (_, key) => {
    const result = selectNode({ fleet, objectKey: `zone\n/obj/${key}`, clientCountry: country, clientContinent: 'EU', replicas: 1 })
    return result.ok ? result.node.nodeId : 'none'
  })
}

function germanNodes(count: number): FleetNode[] {
  return Array.from({ length: count }, (_, index) => testNode(`de-${index}`))
}

describe('selectNode: content affinity', () => {
  it('sends the same object to the same node every time', () => {
    const fleet = buildFleetView(germanNodes(50))
    assert.deepEqual(placements(fleet, 200), placements(fleet, 200))
  })

  for (const nodeCount of [20, 3000]) {
    it(`moves only the removed node's objects, about 1/N of them (${nodeCount} nodes)`, () => {
      const nodes = germanNodes(nodeCount)
      const before = buildFleetView(nodes)
      const keys = 20_000
      const placedBefore = placements(before, keys)
      const removed = nodes[7]?.nodeId
      // The new snapshot inherits group counts from the old one, as Fleet#snapshot() does.
      const after = buildFleetView(nodes.filter((node) => node.nodeId !== removed), before)
      const placedAfter = placements(after, keys)
      let moved = 0
      placedBefore.forEach((nodeId, key) => {
        if (nodeId !== placedAfter[key]) {
          assert.equal(nodeId, removed, `key ${key} moved off a node that stayed`)
          moved++
        }
      })
      const expected = keys / nodeCount
      assert.ok(moved > expected / 4 && moved < expected * 4, `moved ${moved}, expected about ${expected.toFixed(0)}`)
    })
  }

  it('moves only keys onto an added node, about 1/N of them', () => {
    const nodes = germanNodes(20)
    const before = buildFleetView(nodes)
    const added = testNode('de-new')
    const after = buildFleetView([...nodes, added], before)
    const placedAfter = placements(after, 20_000)
    let moved = 0
    placements(before, 20_000).forEach((nodeId, key) => {
      if (nodeId !== placedAfter[key]) {
        assert.equal(placedAfter[key], added.nodeId)
        moved++
      }
    })
    assert.ok(moved > 20_000 / 21 / 2 && moved < (20_000 / 21) * 2, `moved ${moved}`)
  })

  it("keeps objects on their node when another node's load changes (replicas 1)", () => {
    const nodes = germanNodes(30)
    const before = placements(buildFleetView(nodes), 2000)
    const busier = nodes.map((node, index) => (index === 3 ? { ...node, load: 0.9 } : node))
    assert.deepEqual(placements(buildFleetView(busier), 2000), before)
  })

  it('gives each of 30 equal nodes a fair share of 30 000 objects', () => {
    const nodes = germanNodes(30)
    const counts = new Map<string, number>()
    for (const nodeId of placements(buildFleetView(nodes), 30_000)) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1)
    assert.equal(counts.size, 30)
    for (const count of counts.values()) assert.ok(count > 700 && count < 1300, `share ${count} of an expected 1000`)
  })

  it('respects weights: shares follow 1 : 2 : 4', () => {
    const nodes = [testNode('w1', { weight: 1 }), testNode('w2', { weight: 2 }), testNode('w4', { weight: 4 })]
    const counts = new Map<string, number>()
    for (const nodeId of placements(buildFleetView(nodes), 70_000)) counts.set(nodeId, (counts.get(nodeId) ?? 0) + 1)
    const expected = [10_000, 20_000, 40_000]
    nodes.forEach((node, index) => {
      const share = counts.get(node.nodeId) ?? 0
      const wanted = expected[index] ?? 0
      assert.ok(Math.abs(share - wanted) < wanted * 0.05, `weight ${node.weight}: ${share} objects, expected about ${wanted}`)
    })
  })
})

describe('selectNode: load among replicas', () => {
  const nodes = germanNodes(10)
  const objectKey = 'zone\n/hot.bin'

  function topTwo(): [FleetNode, FleetNode] {
    // The object's first two HRW choices: the winner, and the winner once it is gone.
    const first = selectNode({ fleet: buildFleetView(nodes), objectKey, clientCountry: 'DE', clientContinent: 'EU', replicas: 1 })
    assert.ok(first.ok)
    const rest = nodes.filter((node) => node.nodeId !== first.node.nodeId)
    const second = selectNode({ fleet: buildFleetView(rest), objectKey, clientCountry: 'DE', clientContinent: 'EU', replicas: 1 })
    assert.ok(second.ok)
    return [first.node, second.node]
  }

  it('picks the less loaded of the top two', () => {
    const [first, second] = topTwo()
    const loaded = nodes.map((node) => (node.nodeId === first.nodeId ? { ...node, load: 0.8 } : node.nodeId === second.nodeId ? { ...node, load: 0.1 } : node))
    const result = selectNode({ fleet: buildFleetView(loaded), objectKey, clientCountry: 'DE', clientContinent: 'EU' })
    assert.ok(result.ok)
    assert.equal(result.node.nodeId, second.nodeId)
  })

  it('keeps the top choice on equal load', () => {
    const [first] = topTwo()
    const result = selectNode({ fleet: buildFleetView(nodes), objectKey, clientCountry: 'DE', clientContinent: 'EU' })
    assert.ok(result.ok)
    assert.equal(result.node.nodeId, first.nodeId)
  })

  it('never leaves the top two for an idle node further down', () => {
    const [first, second] = topTwo()
    const loaded = nodes.map((node) => (node.nodeId === first.nodeId || node.nodeId === second.nodeId ? { ...node, load: 0.5 } : node))
    const result = selectNode({ fleet: buildFleetView(loaded), objectKey, clientCountry: 'DE', clientContinent: 'EU' })
    assert.ok(result.ok)
    assert.ok([first.nodeId, second.nodeId].includes(result.node.nodeId))
  })

  it('clamps hostile replica counts instead of failing', () => {
    for (const replicas of [0, -3, Number.NaN, Infinity, 1e9, 2.7]) {
      assert.equal(selectNode({ fleet: buildFleetView(nodes), objectKey, clientCountry: 'DE', clientContinent: 'EU', replicas }).ok, true)
    }
  })
})
