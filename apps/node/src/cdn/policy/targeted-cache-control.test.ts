import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deltaSeconds, hasDirective } from './cache-control.ts'
import { freshnessLifetimeMs } from './freshness-lifetime.ts'
import { isResponseStorable } from './response-storable.ts'
import { responseCacheDirectives, targetedCacheControl } from './targeted-cache-control.ts'

const storable = (responseHeaders: Record<string, string>) => isResponseStorable({ method: 'GET', requestHeaders: {}, status: 200, responseHeaders }).storable

describe('CDN-Cache-Control (RFC 9213)', () => {
  it('reads the field as cache directives', () => {
    const cc = targetedCacheControl({ 'cdn-cache-control': 'max-age=60, no-cache, private="set-cookie", foo=?0' })
    assert.ok(cc !== undefined)
    assert.equal(deltaSeconds(cc, 'max-age'), 60)
    assert.ok(hasDirective(cc, 'no-cache'))
    assert.equal(cc.get('private'), 'set-cookie')
    assert.equal(hasDirective(cc, 'foo'), false)
  })

  it('§2.1: ignores an empty or invalid field, and one whose max-age is not a non-negative Integer', () => {
    for (const value of ['', '  ', 'max-age=10000, &&&&&', 'max-age="10000"', 'max-age=-1', 'max-age=1.5', 'MaX-aGe=60']) {
      assert.equal(targetedCacheControl({ 'cdn-cache-control': value }), undefined, value)
    }
  })

  it('§2.1: a valid field replaces Cache-Control and Expires; an invalid one leaves them', () => {
    assert.equal(responseCacheDirectives({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=60' }).usesExpires, false)
    assert.ok(storable({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age=10000' }))
    assert.equal(storable({ 'cache-control': 'max-age=10000', 'cdn-cache-control': 'no-store' }), false)
    assert.equal(storable({ 'cache-control': 'max-age=10000', 'cdn-cache-control': 'private' }), false)
    assert.equal(storable({ 'cache-control': 'no-store', 'cdn-cache-control': 'max-age="10000"' }), false)
    assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=3600', 'cdn-cache-control': 'max-age=1' }), 1000)
    assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=1', 'cdn-cache-control': 'max-age=3600' }), 3_600_000)
    const date = 'Mon, 30 Nov 2026 10:00:00 GMT'
    assert.equal(freshnessLifetimeMs({ date, expires: 'Mon, 30 Nov 2026 11:00:00 GMT', 'cdn-cache-control': 'max-age=0' }), 0)
    assert.equal(freshnessLifetimeMs({ date, expires: '0', 'cdn-cache-control': 'max-age=60' }), 60_000)
    assert.equal(freshnessLifetimeMs({ date, expires: 'Mon, 30 Nov 2026 11:00:00 GMT', 'cdn-cache-control': 'public' }), 0, 'Expires is ignored with a valid field')
  })

  it('caps a max-age beyond 2^31 as Cache-Control does', () => {
    assert.equal(freshnessLifetimeMs({ 'cdn-cache-control': 'max-age=99999999999' }), 2_147_483_648_000)
  })
})
