import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { freshenStoredHeaders, isNotModifiedFor, isNotModifiedForOwnRequest, selectResponseToFreshen } from './freshen-stored-headers.ts'
import type { HeaderMap } from './header-map.ts'

const stored = (headers: HeaderMap, responseTimeMs = 0) => ({ headers, responseTimeMs })

describe('freshenStoredHeaders (RFC 9111 §4.3.4, §3.2)', () => {
  const before = stored({
    'content-type': 'text/plain',
    'content-length': '3',
    'content-encoding': 'gzip',
    'cache-control': 'max-age=60',
    etag: '"v1"',
    date: 'Tue, 01 Jul 2025 12:00:00 GMT',
    age: '30',
    vary: 'accept-encoding',
    'x-kept': 'yes',
  })

  it('replaces fields the 304 carries ("replace all instances of the corresponding header fields")', () => {
    const after = freshenStoredHeaders(before, { 'cache-control': 'max-age=600', etag: '"v1"', date: 'Tue, 01 Jul 2025 13:00:00 GMT' })
    assert.equal(after['cache-control'], 'max-age=600')
    assert.equal(after['date'], 'Tue, 01 Jul 2025 13:00:00 GMT')
    assert.equal(after['x-kept'], 'yes')
  })

  it('never updates Content-Length, Content-Encoding, Content-Range or Vary (§3.2 exceptions)', () => {
    const after = freshenStoredHeaders(before, { 'content-length': '0', 'content-encoding': 'br', 'content-range': 'bytes 0-0/1', vary: '*' })
    assert.equal(after['content-length'], '3')
    assert.equal(after['content-encoding'], 'gzip')
    assert.equal(after['content-range'], undefined)
    assert.equal(after['vary'], 'accept-encoding')
  })

  it('ignores hop-by-hop fields of the 304 (§3.1)', () => {
    const after = freshenStoredHeaders(before, { connection: 'x-hop', 'x-hop': '1', 'keep-alive': 'timeout=5' })
    assert.equal(after['x-hop'], undefined)
    assert.equal(after['keep-alive'], undefined)
    assert.equal(after['connection'], undefined)
  })

  it('drops the old Date and Age when the 304 has none, so §4.2.3 uses the new response time', () => {
    const after = freshenStoredHeaders(before, { etag: '"v1"' })
    assert.equal(after['date'], undefined)
    assert.equal(after['age'], undefined)
  })
})

describe('selectResponseToFreshen (RFC 9111 §4.3.4)', () => {
  const a = stored({ etag: '"a"' }, 1)
  const a2 = stored({ etag: '"a"' }, 2)
  const weak = stored({ etag: 'W/"w"' }, 1)
  const weakNewer = stored({ etag: 'W/"w"' }, 5)
  const lm = stored({ 'last-modified': 'Tue, 01 Jul 2025 12:00:00 GMT' }, 1)
  const bare = stored({}, 1)

  it('a strong validator selects every stored response with it', () => {
    assert.deepEqual(selectResponseToFreshen([a, a2, weak], { etag: '"a"' }), [a2, a])
  })
  it('a strong validator with no stored match updates nothing', () => {
    assert.deepEqual(selectResponseToFreshen([a, weak], { etag: '"zzz"' }), [])
  })
  it('a strong 304 tag does not match a weak stored tag', () => {
    assert.deepEqual(selectResponseToFreshen([weak], { etag: '"w"' }), [])
  })
  it('a weak validator selects the most recent match only', () => {
    assert.deepEqual(selectResponseToFreshen([weak, weakNewer], { etag: 'W/"w"' }), [weakNewer])
  })
  it('a Last-Modified validator selects the matching response', () => {
    assert.deepEqual(selectResponseToFreshen([a, lm], { 'last-modified': 'Tue, 01 Jul 2025 12:00:00 GMT' }), [lm])
  })
  it('no validator: the only stored response, if it has none either', () => {
    assert.deepEqual(selectResponseToFreshen([bare], {}), [bare])
    assert.deepEqual(selectResponseToFreshen([a], {}), [])
    assert.deepEqual(selectResponseToFreshen([bare, stored({}, 2)], {}), [])
  })
  it('isNotModifiedFor answers for one stored response', () => {
    assert.equal(isNotModifiedFor(a, { etag: '"a"' }), true)
    assert.equal(isNotModifiedFor(a, { etag: '"b"' }), false)
  })
})

describe('Content-MD5 from a 304 (RFC 9111 §3.2)', () => {
  it('keeps the stored Content-MD5: it is a digest of the stored bytes, which a 304 has none of', () => {
    const after = freshenStoredHeaders(stored({ 'content-md5': 'stored==', etag: '"a"' }), { 'content-md5': 'other==', etag: '"a"' })
    assert.equal(after['content-md5'], 'stored==')
  })
})

describe('isNotModifiedForOwnRequest (RFC 9111 §4.3.4, one candidate)', () => {
  const table: readonly (readonly [string, HeaderMap, HeaderMap, boolean])[] = [
    ['a 304 with no validator freshens the stored response with an ETag', { etag: '"a"' }, {}, true],
    ['a 304 with no validator freshens the stored response with a Last-Modified', { 'last-modified': 'Tue, 01 Jul 2025 12:00:00 GMT' }, { 'cache-control': 'max-age=9' }, true],
    ['a 304 with the same strong ETag freshens it', { etag: '"a"' }, { etag: '"a"' }, true],
    ['a 304 naming another strong ETag does not', { etag: '"a"' }, { etag: '"b"' }, false],
    ['a 304 naming another Last-Modified does not', { 'last-modified': 'Tue, 01 Jul 2025 12:00:00 GMT' }, { 'last-modified': 'Wed, 02 Jul 2025 12:00:00 GMT' }, false],
  ]
  for (const [name, storedHeaders, notModified, expected] of table) {
    it(name, () => assert.equal(isNotModifiedForOwnRequest(stored(storedHeaders), notModified), expected))
  }
  it('differs from isNotModifiedFor only for a 304 without validators', () => {
    assert.equal(isNotModifiedFor(stored({ etag: '"a"' }), {}), false)
    assert.equal(isNotModifiedForOwnRequest(stored({ etag: '"a"' }), {}), true)
  })
})
