import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { percentile, summarizeLatencies } from './latency-summary.ts'

describe('percentile', () => {
  it('takes the nearest rank, so the value was observed', () => {
    const sorted = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]
    assert.equal(percentile(sorted, 50), 5)
    assert.equal(percentile(sorted, 99), 10)
    assert.equal(percentile(sorted, 100), 10)
    assert.equal(percentile(sorted, 0), 1)
  })

  it('is NaN for no samples', () => {
    assert.ok(Number.isNaN(percentile([], 50)))
  })
})

describe('summarizeLatencies', () => {
  it('sorts before ranking and reports max and mean', () => {
    assert.deepEqual(summarizeLatencies([210, 205, 400, 201]), { count: 4, p50Ms: 205, p99Ms: 400, maxMs: 400, meanMs: 254 })
  })
})
