import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCacheStatusHit, isNginxCacheHit } from './cache-status.ts'

describe('isCacheStatusHit', () => {
  const cases: readonly [string | null, boolean][] = [
    ['meson; hit', true],
    ['meson; hit; ttl=3590', true],
    ['meson;hit', true],
    ['meson; fwd=miss; stored', false],
    ['meson; fwd=stale; fwd-status=304', false],
    // RFC 9211 §2: the last member is the cache closest to the client.
    ['origin-cache; hit, meson; fwd=miss', false],
    ['origin-cache; fwd=miss, meson; hit', true],
    ['hit', false],
    ['', false],
    [null, false],
  ]
  for (const [header, expected] of cases) {
    it(`${expected ? 'counts' : 'does not count'} ${JSON.stringify(header)} as a hit`, () => {
      assert.equal(isCacheStatusHit(header), expected)
    })
  }
})

describe('isNginxCacheHit', () => {
  it('counts only HIT, not MISS, EXPIRED, REVALIDATED or a missing header', () => {
    assert.equal(isNginxCacheHit('HIT'), true)
    for (const status of ['MISS', 'EXPIRED', 'REVALIDATED', 'STALE', 'BYPASS', '']) assert.equal(isNginxCacheHit(status), false, status)
    assert.equal(isNginxCacheHit(null), false)
  })
})
