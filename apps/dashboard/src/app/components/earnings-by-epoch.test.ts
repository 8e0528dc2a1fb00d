import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { earningsByEpoch } from './earnings-by-epoch.ts'

describe('earningsByEpoch', () => {
  it('puts usage and emission of an epoch side by side, newest epoch first, numerically', () => {
    const rows = earningsByEpoch([
      { epochId: 9, source: 'usage', amount: '5' },
      { epochId: 10, source: 'emission', amount: '7' },
      { epochId: 10, source: 'usage', amount: '3' },
    ])
    assert.deepEqual(rows, [
      { epochId: '10', usage: 3n, emission: 7n, total: 10n },
      { epochId: '9', usage: 5n, emission: 0n, total: 5n },
    ])
  })
})
