import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { Fleet } from './fleet.ts'
import type { FleetNodeRegistration } from './fleet.ts'
import { selectNode } from './select-node.ts'
import { testNodeId } from '../testing/test-fleet.ts'

const T0 = 1_700_000_000_000

function registration(label: string | number, overrides: Partial<FleetNodeRegistration> = {}): FleetNodeRegistration {
  return { nodeId: testNodeId(label), publicUrl: `http://node-${String(label)}.example`, country: 'DE', continent: 'EU', weight: 1, ...overrides }
}

function chosen(fleet: Fleet, country = 'DE'): string | undefined {
  const result = selectNode({ fleet: fleet.snapshot(), objectKey: 'z\n/x', clientCountry: country, clientContinent: 'EU' })
  return result.ok ? result.node.nodeId : undefined
}

describe('Fleet', () => {
  it('makes a registered node eligible, healthy and idle', () => {
    const fleet = new Fleet()
    fleet.register(registration('a'), T0)
    assert.deepEqual(fleet.get(testNodeId('a')), { ...registration('a'), load: 0, healthy: true })
    assert.equal(fleet.snapshot().eligibleCount, 1)
    assert.equal(chosen(fleet), testNodeId('a'))
  })

  it('returns the same snapshot until something changes, and a new one after', () => {
    const fleet = new Fleet()
    fleet.register(registration('a'), T0)
    const first = fleet.snapshot()
    assert.equal(fleet.snapshot(), first)
    fleet.applyHeartbeat(testNodeId('a'), { load: 0.5 }, T0 + 1)
    const second = fleet.snapshot()
    assert.notEqual(second, first)
    assert.ok(Object.isFrozen(second))
  })

  it('leaves an old snapshot untouched by later updates', () => {
    const fleet = new Fleet()
    fleet.register(registration('a'), T0)
    const before = fleet.snapshot()
    fleet.markDown(testNodeId('a'))
    assert.equal(before.eligibleCount, 1)
    assert.equal(fleet.snapshot().eligibleCount, 0)
  })

  it('records load from heartbeats, clamped to 0..1 (NaN counts as full)', () => {
    const fleet = new Fleet()
    const id = testNodeId('a')
    fleet.register(registration('a'), T0)
    const cases: readonly (readonly [number, number])[] = [[0.3, 0.3], [7, 1], [-1, 0], [Number.NaN, 1]]
    for (const [reported, stored] of cases) {
      fleet.applyHeartbeat(id, { load: reported }, T0)
      assert.equal(fleet.get(id)?.load, stored)
    }
  })

  it('ignores heartbeats and mark-downs for unknown nodes', () => {
    const fleet = new Fleet()
    assert.equal(fleet.applyHeartbeat(testNodeId('ghost'), { load: 0 }, T0), false)
    assert.equal(fleet.markDown(testNodeId('ghost')), false)
    assert.equal(fleet.remove(testNodeId('ghost')), false)
  })

  it('takes a marked-down node out of rotation until its next heartbeat', () => {
    const fleet = new Fleet()
    const id = testNodeId('a')
    fleet.register(registration('a'), T0)
    fleet.markDown(id)
    assert.equal(chosen(fleet), undefined)
    fleet.applyHeartbeat(id, { load: 0.1 }, T0 + 5)
    assert.equal(chosen(fleet), id)
  })

  it('marks down the nodes whose heartbeats stopped, and only those', () => {
    const fleet = new Fleet()
    fleet.register(registration('quiet'), T0)
    fleet.register(registration('chatty'), T0)
    fleet.applyHeartbeat(testNodeId('chatty'), { load: 0 }, T0 + 60_000)
    assert.equal(fleet.markSilentDown(T0 + 90_000, 90_000), 1)
    assert.equal(fleet.get(testNodeId('quiet'))?.healthy, false)
    assert.equal(fleet.get(testNodeId('chatty'))?.healthy, true)
    assert.equal(fleet.markSilentDown(T0 + 90_000, 90_000), 0, 'a node already down is not counted again')
  })

  it('forgets a removed node', () => {
    const fleet = new Fleet()
    fleet.register(registration('a'), T0)
    assert.equal(fleet.remove(testNodeId('a')), true)
    assert.equal(fleet.size, 0)
    assert.equal(fleet.snapshot().eligibleCount, 0)
  })

  it('keeps the load across a re-registration that changes the address', () => {
    const fleet = new Fleet()
    const id = testNodeId('a')
    fleet.register(registration('a'), T0)
    fleet.applyHeartbeat(id, { load: 0.4 }, T0)
    fleet.register(registration('a', { publicUrl: 'http://moved.example' }), T0 + 1)
    assert.equal(fleet.get(id)?.load, 0.4)
    assert.equal(fleet.get(id)?.publicUrl, 'http://moved.example')
  })

  it('refuses a weight that is not positive and finite', () => {
    const fleet = new Fleet()
    for (const weight of [0, -1, Number.NaN, Infinity]) {
      assert.throws(() => fleet.register(registration('a', { weight }), T0), (error) => isErrorWithCode(error, 'FLEET_NODE_INVALID'))
    }
  })

  it('holds 100 000 nodes and still decides, keeping group counts across snapshots', () => {
    const fleet = new Fleet()
    const countries = ['DE', 'FR', 'US', 'JP', 'BR']
    for (let index = 0; index < 100_000; index++) {
      const country = countries[index % countries.length] ?? 'DE'
      fleet.register(registration(index, { country, continent: country === 'DE' || country === 'FR' ? 'EU' : 'XX' }), T0)
    }
    const first = fleet.snapshot()
    assert.equal(first.eligibleCount, 100_000)
    assert.equal(first.country('DE').nodeCount, 20_000)
    assert.equal(first.publicWorld().groupCount, 4096)
    assert.ok(chosen(fleet, 'DE') !== undefined)
    // Drop a third of Germany: the mean stays in band, so the group count stays.
    for (let index = 0; index < 100_000; index += 15) fleet.remove(testNodeId(index))
    assert.equal(fleet.snapshot().country('DE').groupCount, first.country('DE').groupCount)
  })
})
