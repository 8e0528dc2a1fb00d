import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { splitByWeight } from './split-by-weight.ts'

const sum = (values: readonly bigint[]): bigint => values.reduce((a, b) => a + b, 0n)

describe('splitByWeight', () => {
  it('gives the leftover units to the largest remainders, so no base unit is lost or created', () => {
    const { shares } = splitByWeight(10n, [1n, 1n, 1n])
    assert.deepEqual(shares, [4n, 3n, 3n])
  })

  it('sums exactly to the total for many random splits', () => {
    let seed = 12345
    const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let round = 0; round < 200; round += 1) {
      const weights = Array.from({ length: 1 + (next() % 50) }, () => BigInt(next() % 1000))
      const total = BigInt(next()) * 10n ** 12n + BigInt(next())
      const { shares, undistributed } = splitByWeight(total, weights)
      if (sum(weights) === 0n) assert.equal(undistributed, total)
      else assert.equal(sum(shares), total)
      weights.forEach((weight, index) => {
        if (weight === 0n) assert.equal(shares[index], 0n)
      })
    }
  })

  it('distributes nothing when every weight is zero', () => {
    assert.deepEqual(splitByWeight(7n, [0n, 0n]), { shares: [0n, 0n], undistributed: 7n })
  })

  it('is proportional: a double weight gets double', () => {
    assert.deepEqual(splitByWeight(300n, [1n, 2n]).shares, [100n, 200n])
  })
})
