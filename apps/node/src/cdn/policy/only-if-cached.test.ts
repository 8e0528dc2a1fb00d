import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isOnlyIfCached } from './only-if-cached.ts'
import { requestCacheControl } from './request-cache-control.ts'

describe('isOnlyIfCached (RFC 9111 §5.2.1.7)', () => {
  it('is true for only-if-cached in any case', () => {
    assert.equal(isOnlyIfCached({ 'cache-control': 'max-stale, Only-If-Cached' }), true)
  })
  it('is false otherwise', () => {
    assert.equal(isOnlyIfCached({ 'cache-control': 'no-cache' }), false)
    assert.equal(isOnlyIfCached({}), false)
  })
})

describe('requestCacheControl (RFC 9111 §5.4 Pragma)', () => {
  it('reads Pragma: no-cache as no-cache only without Cache-Control', () => {
    assert.equal(requestCacheControl({ pragma: 'No-Cache' }).has('no-cache'), true)
    assert.equal(requestCacheControl({ pragma: 'no-cache', 'cache-control': 'max-age=5' }).has('no-cache'), false)
    assert.equal(requestCacheControl({ pragma: 'x-other' }).size, 0)
  })
})
