import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { backoffDelayMs, DEFAULT_BACKOFF_POLICY } from './backoff-delay.ts'

describe('backoffDelayMs', () => {
  it('doubles from the initial delay up to the cap', () => {
    const top = () => 1
    assert.deepEqual(
      [0, 1, 2, 3, 5, 6, 7, 50].map((attempt) => backoffDelayMs(attempt, DEFAULT_BACKOFF_POLICY, top)),
      [1000, 2000, 4000, 8000, 32_000, 60_000, 60_000, 60_000],
    )
  })

  it('keeps at least half of the delay fixed and jitters the other half', () => {
    assert.equal(backoffDelayMs(2, DEFAULT_BACKOFF_POLICY, () => 0), 2000)
    assert.equal(backoffDelayMs(2, DEFAULT_BACKOFF_POLICY, () => 0.5), 3000)
    assert.equal(backoffDelayMs(10, DEFAULT_BACKOFF_POLICY, () => 0), 30_000)
  })

  it('clamps a random source that strays outside [0, 1]', () => {
    assert.equal(backoffDelayMs(0, DEFAULT_BACKOFF_POLICY, () => 7), 1000)
    assert.equal(backoffDelayMs(0, DEFAULT_BACKOFF_POLICY, () => -1), 500)
  })
})
