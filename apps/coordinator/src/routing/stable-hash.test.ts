import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { fnv1a32, hashString32, mix32, rendezvousScore } from './stable-hash.ts'

/** Pearson's chi-square statistic of observed bucket counts against a uniform spread. */
function chiSquare(counts: readonly number[], total: number): number {
  const expected = total / counts.length
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0)
}

describe('fnv1a32', () => {
  // Test vectors of the FNV reference code (draft-eastlake-fnv, test suite).
  const vectors: readonly (readonly [string, number])[] = [
    ['', 0x811c9dc5],
    ['a', 0xe40c292c],
    ['foobar', 0xbf9cf968],
  ]
  for (const [input, expected] of vectors) {
    it(`hashes ${JSON.stringify(input)} to 0x${expected.toString(16)}`, () => {
      assert.equal(fnv1a32(input), expected)
    })
  }

  it('hashes a non-ASCII code unit as its two bytes, low byte first', () => {
    assert.equal(fnv1a32('\u0101'), fnv1a32('\x01\x01'))
    assert.notEqual(fnv1a32('é'), fnv1a32('e'))
  })
})

describe('hashString32', () => {
  it('is FNV-1a finished with fmix32, always an unsigned 32-bit integer', () => {
    for (const input of ['', 'a', '/img/1.png', '\u{1f600}']) {
      const hash = hashString32(input)
      assert.equal(hash, mix32(fnv1a32(input)))
      assert.ok(Number.isInteger(hash) && hash >= 0 && hash < 2 ** 32)
    }
  })

  it('spreads keys that differ only in their last characters evenly over 64 buckets (chi-square, p > 0.001)', () => {
    const buckets = new Array<number>(64).fill(0)
    const total = 64_000
    for (let index = 0; index < total; index++) {
      const bucket = hashString32(`my-site\n/img/${index}.png`) & 63
      buckets[bucket] = (buckets[bucket] ?? 0) + 1
    }
    // 63 degrees of freedom: the 0.1 % critical value is 103.4.
    assert.ok(chiSquare(buckets, total) < 103.4, `chi-square ${chiSquare(buckets, total).toFixed(1)}`)
  })

  it('spreads the high bits as well as the low ones', () => {
    const buckets = new Array<number>(64).fill(0)
    const total = 64_000
    for (let index = 0; index < total; index++) {
      const bucket = hashString32(`k${index}`) >>> 26
      buckets[bucket] = (buckets[bucket] ?? 0) + 1
    }
    assert.ok(chiSquare(buckets, total) < 103.4, `chi-square ${chiSquare(buckets, total).toFixed(1)}`)
  })
})

describe('mix32', () => {
  it('flips about half of the output bits when one input bit flips (avalanche)', () => {
    let flipped = 0
    let trials = 0
    for (let value = 1; value < 2000; value++) {
      for (let bit = 0; bit < 32; bit++) {
        const difference = mix32(value) ^ mix32(value ^ (1 << bit))
        flipped += popcount(difference)
        trials++
      }
    }
    const meanFlipped = flipped / trials
    assert.ok(meanFlipped > 15.5 && meanFlipped < 16.5, `mean flipped bits ${meanFlipped.toFixed(2)}`)
  })
})

describe('rendezvousScore', () => {
  it('is positive and grows with the weight for the same key and node', () => {
    const one = rendezvousScore(123, 456, 1)
    assert.ok(one > 0)
    assert.ok(rendezvousScore(123, 456, 2) > one)
  })

  it('lets each of 10 equal nodes win about a tenth of 50 000 keys (chi-square, p > 0.001)', () => {
    const nodes = Array.from({ length: 10 }, (_, index) => hashString32(`node-${index}`))
    const wins = new Array<number>(nodes.length).fill(0)
    const total = 50_000
    for (let key = 0; key < total; key++) {
      const keyHash = hashString32(`/obj/${key}`)
      let best = 0
      let bestScore = -1
      nodes.forEach((nodeHash, index) => {
        const score = rendezvousScore(keyHash, nodeHash, 1)
        if (score > bestScore) [best, bestScore] = [index, score]
      })
      wins[best] = (wins[best] ?? 0) + 1
    }
    // 9 degrees of freedom: the 0.1 % critical value is 27.9.
    assert.ok(chiSquare(wins, total) < 27.9, `chi-square ${chiSquare(wins, total).toFixed(1)}`)
  })
})

function popcount(value: number): number {
  let bits = 0
  for (let rest = value >>> 0; rest !== 0; rest >>>= 1) bits += rest & 1
  return bits
}
