import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { appendCacheStatus, formatCacheStatus } from './cache-status.ts'
import type { CacheStatusEntry } from './cache-status.ts'

const rows: { rule: string; entry: CacheStatusEntry; expected: string }[] = [
  { rule: '§2.1 hit with ttl', entry: { cache: 'meson', hit: true, ttlSeconds: 376 }, expected: 'meson; hit; ttl=376' },
  { rule: '§2.2 fwd=uri-miss and §2.5 stored', entry: { cache: 'meson', fwd: 'uri-miss', stored: true }, expected: 'meson; fwd=uri-miss; stored' },
  { rule: '§2.3 fwd-status', entry: { cache: 'meson', fwd: 'stale', fwdStatus: 304 }, expected: 'meson; fwd=stale; fwd-status=304' },
  { rule: '§2.4 negative ttl for a stale hit, floored', entry: { cache: 'meson', hit: true, ttlSeconds: -1.5 }, expected: 'meson; hit; ttl=-2' },
  { rule: '§2.6 collapsed', entry: { cache: 'meson', fwd: 'miss', collapsed: true }, expected: 'meson; fwd=miss; collapsed' },
  { rule: '§2.7 key is an sf-string with escapes', entry: { cache: 'meson', hit: true, key: 'http://a/"x"\\' }, expected: 'meson; hit; key="http://a/\\"x\\"\\\\"' },
  { rule: '§2.8 detail as a token', entry: { cache: 'meson', fwd: 'bypass', detail: 'no-store' }, expected: 'meson; fwd=bypass; detail=no-store' },
  { rule: '§2.8 detail as a string when not a token', entry: { cache: 'meson', fwd: 'bypass', detail: 'set cookie' }, expected: 'meson; fwd=bypass; detail="set cookie"' },
  { rule: 'false booleans are omitted', entry: { cache: 'meson', hit: false, stored: false, collapsed: false }, expected: 'meson' },
  { rule: 'a cache name that is not a token becomes an sf-string', entry: { cache: 'edge node 1', hit: true }, expected: '"edge node 1"; hit' },
  { rule: 'non-ASCII cannot be an sf-string character', entry: { cache: 'meson', hit: true, key: 'é' }, expected: 'meson; hit; key="?"' },
]

describe('formatCacheStatus (RFC 9211 §2, RFC 8941)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.equal(formatCacheStatus(row.entry), row.expected)
    })
  }
  it('appends after upstream caches (the list reads from origin to client)', () => {
    assert.equal(appendCacheStatus('OriginCache; hit', 'meson; fwd=miss'), 'OriginCache; hit, meson; fwd=miss')
    assert.equal(appendCacheStatus(undefined, 'meson; hit'), 'meson; hit')
  })
})
