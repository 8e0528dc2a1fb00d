import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { DEFAULT_SCORE_CONFIG } from './score-config.ts'
import { computeBandwidthFactor, computeNextCredit, computeStorageFactor } from './score-factors.ts'

const GB = 1_000_000_000n
const config = DEFAULT_SCORE_CONFIG

describe('score factors (Meson v3 defaults)', () => {
  it('normalizes measured bandwidth and caps it at 1 500 Mb/s', () => {
    assert.equal(computeBandwidthFactor(750, config), 0.5)
    assert.equal(computeBandwidthFactor(1500, config), 1)
    assert.equal(computeBandwidthFactor(10_000, config), 1)
    assert.equal(computeBandwidthFactor(null, config), 0)
    assert.equal(computeBandwidthFactor(Number.NaN, config), 0)
  })

  it('scores storage 0.70 at 20 GB, 0.85 at 60 GB and 1.0 from 100 GB, linear between', () => {
    assert.equal(computeStorageFactor(19n * GB, config), 0)
    assert.equal(computeStorageFactor(20n * GB, config), 0.7)
    assert.ok(Math.abs(computeStorageFactor(40n * GB, config) - 0.775) < 1e-12)
    assert.equal(computeStorageFactor(60n * GB, config), 0.85)
    assert.equal(computeStorageFactor(100n * GB, config), 1)
    assert.equal(computeStorageFactor(5000n * GB, config), 1)
  })

  it('grows credit from 0.4 while healthy and lets it fall, never below 0.4 nor above 1', () => {
    assert.equal(computeNextCredit(null, true, 0, config), 0.4)
    const afterDay = computeNextCredit(null, true, 24, config)
    assert.ok(afterDay > 0.4 && afterDay < 0.43)
    assert.equal(computeNextCredit(0.99, true, 720, config), 1)
    assert.ok(computeNextCredit(0.9, false, 1, config) < 0.9)
    assert.equal(computeNextCredit(0.5, false, 100, config), 0.4)
  })
})
