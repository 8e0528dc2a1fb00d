import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { generateKeyPair, nodeIdFromPublicKey, publicKeyToString } from '@meson/protocol'
import type { AccountId } from '@meson/protocol'
import { FleetRegistry } from '../fleet/fleet-registry.ts'
import { createStaticCountryLookup } from './country-lookup.ts'
import type { FleetNodeRecord, NodeStatus } from '../fleet/fleet-store.ts'
import { FleetViewSource, locateNode, toFleetNodes } from './fleet-view-source.ts'

const geo = createStaticCountryLookup({ '203.0.113.7': { country: 'DE', continent: 'EU' }, '198.51.100.1': { country: 'FR', continent: 'EU' } })

function record(overrides: Partial<FleetNodeRecord> & { status?: NodeStatus } = {}): FleetNodeRecord {
  const key = generateKeyPair()
  return {
    id: nodeIdFromPublicKey(key.publicKey),
    operatorId: 'acc_operator' as AccountId,
    publicKey: publicKeyToString(key.publicKey),
    publicUrl: 'http://203.0.113.7:8080',
    version: '0.1.0',
    status: 'active',
    publicIp: '203.0.113.7',
    diskQuotaBytes: 1n,
    declaredUplinkMbps: 100,
    capabilities: ['cdn'],
    isReachable: true,
    registeredAt: new Date(0),
    lastHeartbeatAt: null,
    ...overrides,
  }
}

describe('FleetViewSource', () => {
  it('offers only active, reachable, CDN-capable nodes, weighted by declared uplink', () => {
    const registry = new FleetRegistry()
    const good = record()
    for (const other of [good, record({ status: 'draining' }), record({ status: 'down' }), record({ status: 'pending' }), record({ isReachable: false }), record({ capabilities: ['proxy'] })]) registry.upsert(other, 0)
    const nodes = [...toFleetNodes(registry.list(), geo)]
    assert.deepEqual(nodes.map((node) => node.nodeId), [good.id])
    const [node] = nodes
    assert.ok(node)
    assert.equal(node.weight, 100)
    assert.equal(node.country, 'DE')
  })

  it('locates a node by its public URL host, then by its registration address, else as unknown', () => {
    assert.equal(locateNode('http://127.0.0.1:9000', '203.0.113.7', geo).country, 'local')
    assert.equal(locateNode('http://[::1]:9000', '203.0.113.7', geo).country, 'local')
    assert.equal(locateNode('https://node.example.net', '198.51.100.1', geo).country, 'FR')
    assert.equal(locateNode('https://node.example.net', '192.0.2.99', geo).country, 'ZZ')
  })

  it('rebuilds the view only when the registry changed, at most once per interval', () => {
    const registry = new FleetRegistry()
    const clock = { ms: 0 }
    const source = new FleetViewSource({ registry, geo, monotonicNow: () => clock.ms, minRebuildIntervalMs: 250 })
    const empty = source.current()
    assert.equal(empty.eligibleCount, 0)
    assert.equal(source.current(), empty, 'no change: the same snapshot')
    registry.upsert(record(), 0)
    clock.ms = 100
    assert.equal(source.current(), empty, 'changed, but rebuilt 100 ms ago')
    clock.ms = 250
    assert.equal(source.current().eligibleCount, 1)
  })
})
