import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { summarizeNetwork } from './summarize-network.ts'
import type { ExplorerNodeInput } from './summarize-network.ts'

function node(overrides: Partial<ExplorerNodeInput>): ExplorerNodeInput {
  return { status: 'active', country: 'DE', servedBytes: 0n, cacheStoredBytes: 0n, diskQuotaBytes: 0n, uplinkMbps: 0, ...overrides }
}

describe('summarizeNetwork', () => {
  it('counts nodes by country, most first, and active ones apart', () => {
    const summary = summarizeNetwork([node({ country: 'FR' }), node({ country: 'DE' }), node({ country: 'DE', status: 'down' })])
    assert.deepEqual(summary.countries, [
      { country: 'DE', nodes: 2, activeNodes: 1 },
      { country: 'FR', nodes: 1, activeNodes: 1 },
    ])
    assert.deepEqual(summary.nodes, { total: 3, active: 2, draining: 0, pending: 0, down: 1 })
  })

  it('counts nodes without a country as unlocated, not as a country', () => {
    const summary = summarizeNetwork([node({ country: undefined }), node({ country: 'JP' })])
    assert.equal(summary.unlocatedNodes, 1)
    assert.deepEqual(summary.countries.map((count) => count.country), ['JP'])
  })

  it('sums bytes exactly past 2^53', () => {
    const big = 2n ** 60n
    const summary = summarizeNetwork([node({ servedBytes: big, cacheStoredBytes: 1n }), node({ servedBytes: big + 1n, cacheStoredBytes: 2n })])
    assert.equal(summary.servedBytes, 2n * big + 1n)
    assert.equal(summary.cacheStoredBytes, 3n)
  })

  it('answers an empty network with zeros', () => {
    const summary = summarizeNetwork([])
    assert.equal(summary.nodes.total, 0)
    assert.deepEqual(summary.countries, [])
    assert.equal(summary.servedBytes, 0n)
  })
})
