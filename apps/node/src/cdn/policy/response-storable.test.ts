import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isCacheableByDefault } from './cacheable-by-default.ts'
import type { HeaderMap } from './header-map.ts'
import { isResponseStorable } from './response-storable.ts'
import type { NotStorableReason } from './response-storable.ts'

interface Row {
  readonly rule: string
  readonly method?: string
  readonly requestHeaders?: HeaderMap
  readonly status?: number
  readonly responseHeaders?: HeaderMap
  readonly expected: true | NotStorableReason
}

const rows: Row[] = [
  { rule: '§3 a 200 with max-age is stored', responseHeaders: { 'cache-control': 'max-age=60' }, expected: true },
  { rule: '§3 heuristically cacheable status without freshness info', expected: true },
  { rule: '§3 "the request method is understood": HEAD not stored', method: 'HEAD', expected: 'method' },
  { rule: '§3 POST not stored', method: 'POST', responseHeaders: { 'cache-control': 'max-age=60' }, expected: 'method' },
  { rule: 'RFC 9110 §9.1 methods are case-sensitive', method: 'get', expected: 'method' },
  { rule: '§3 "the response status code is final": 1xx', status: 103, expected: 'status' },
  { rule: '§3.3 a 206 without Content-Range is not a storable part', status: 206, responseHeaders: { 'cache-control': 'max-age=60' }, expected: 'partial-content' },
  { rule: '§3.3/§3.4 a 206 with one valid Content-Range is stored as a part', status: 206, responseHeaders: { 'cache-control': 'max-age=60', 'content-range': 'bytes 0-4/10', 'content-length': '5' }, expected: true },
  { rule: '§3.3 a 206 whose Content-Length disagrees with its Content-Range is not stored', status: 206, responseHeaders: { 'cache-control': 'max-age=60', 'content-range': 'bytes 4-9/10', 'content-length': '5' }, expected: 'partial-content' },
  { rule: 'RFC 9110 §15.5.17 a 416 answers one Range, never stored', status: 416, responseHeaders: { 'cache-control': 'max-age=60', 'content-range': 'bytes */10' }, expected: 'status' },
  { rule: '§3.3 a multipart/byteranges 206 is not one part', status: 206, responseHeaders: { 'cache-control': 'max-age=60', 'content-type': 'multipart/byteranges; boundary=x', 'content-range': 'bytes 0-4/10' }, expected: 'partial-content' },
  { rule: '§4.3.4 a 304 only freshens', status: 304, expected: 'status' },
  { rule: '§3 no-store in the response', responseHeaders: { 'cache-control': 'max-age=60, no-store' }, expected: 'no-store' },
  { rule: '§5.2.1.5 no-store in the request', requestHeaders: { 'cache-control': 'no-store' }, expected: 'no-store' },
  { rule: '§5.2.2.3 must-understand + understood status ignores no-store', responseHeaders: { 'cache-control': 'must-understand, no-store, max-age=60' }, expected: true },
  { rule: '§5.2.2.3 must-understand + unknown status', status: 299, responseHeaders: { 'cache-control': 'must-understand, no-store, max-age=60' }, expected: 'must-understand' },
  { rule: '§3 shared cache: private', responseHeaders: { 'cache-control': 'private, max-age=60' }, expected: 'private' },
  { rule: '§3 shared cache: private wins over s-maxage', responseHeaders: { 'cache-control': 'private, s-maxage=60' }, expected: 'private' },
  { rule: '§3 shared cache: private wins over public and s-maxage', responseHeaders: { 'cache-control': 'public, s-maxage=60, private' }, expected: 'private' },
  { rule: '§3 shared cache: private wins over s-maxage, with Authorization', requestHeaders: { authorization: 'Bearer x' }, responseHeaders: { 'cache-control': 'private, s-maxage=60' }, expected: 'private' },
  { rule: '§5.2.2.7 qualified private: the rest may be stored', responseHeaders: { 'cache-control': 'private="x-user", max-age=60' }, expected: true },
  { rule: '§5.2.2.7 qualified private naming Set-Cookie: stored without it', responseHeaders: { 'cache-control': 'private="set-cookie", max-age=60', 'set-cookie': 'a=1' }, expected: true },
  { rule: '§5.2.2.7 a private list naming a field the cache needs is unqualified', responseHeaders: { 'cache-control': 'private="content-encoding", max-age=60' }, expected: 'private' },
  { rule: '§5.2.2.7 an empty private list is unqualified', responseHeaders: { 'cache-control': 'private="", max-age=60' }, expected: 'private' },
  { rule: '§5.2.2.7 a private list of non-tokens is unqualified', responseHeaders: { 'cache-control': 'private="a b", max-age=60' }, expected: 'private' },
  { rule: '§3.5 Authorization without an allowing directive', requestHeaders: { authorization: 'Bearer x' }, responseHeaders: { 'cache-control': 'max-age=60' }, expected: 'authorization' },
  { rule: '§3.5 Authorization + public', requestHeaders: { authorization: 'Bearer x' }, responseHeaders: { 'cache-control': 'public, max-age=60' }, expected: true },
  { rule: '§3.5 Authorization + s-maxage', requestHeaders: { authorization: 'Bearer x' }, responseHeaders: { 'cache-control': 's-maxage=60' }, expected: true },
  { rule: '§3.5 Authorization + must-revalidate', requestHeaders: { authorization: 'Bearer x' }, responseHeaders: { 'cache-control': 'must-revalidate, max-age=60' }, expected: true },
  { rule: 'our rule: Set-Cookie without public/s-maxage', responseHeaders: { 'cache-control': 'max-age=60', 'set-cookie': 'a=1' }, expected: 'set-cookie' },
  { rule: 'our rule: Set-Cookie with public', responseHeaders: { 'cache-control': 'public, max-age=60', 'set-cookie': 'a=1' }, expected: true },
  { rule: '§4.1 Vary: * never matches', responseHeaders: { 'cache-control': 'max-age=60', vary: '*' }, expected: 'vary-star' },
  { rule: '§4.1 "*" among other names', responseHeaders: { 'cache-control': 'max-age=60', vary: 'accept-encoding, *' }, expected: 'vary-star' },
  { rule: '§3 302 without explicit freshness', status: 302, expected: 'no-freshness' },
  { rule: '§3 302 with max-age', status: 302, responseHeaders: { 'cache-control': 'max-age=60' }, expected: true },
  { rule: '§3 "an Expires header field" (even invalid)', status: 500, responseHeaders: { expires: '0' }, expected: true },
  { rule: '§3 "a public response directive"', status: 500, responseHeaders: { 'cache-control': 'public' }, expected: true },
  { rule: '§3 "an s-maxage response directive"', status: 503, responseHeaders: { 'cache-control': 's-maxage=5' }, expected: true },
  { rule: '§5.2.2.4 no-cache responses may be stored (and must be validated)', responseHeaders: { 'cache-control': 'no-cache' }, expected: true },
]

describe('isResponseStorable (RFC 9111 §3, shared cache)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const result = isResponseStorable({
        method: row.method ?? 'GET',
        requestHeaders: row.requestHeaders ?? {},
        status: row.status ?? 200,
        responseHeaders: row.responseHeaders ?? {},
      })
      assert.deepEqual(result, row.expected === true ? { storable: true } : { storable: false, reason: row.expected })
    })
  }
})

describe('isCacheableByDefault (RFC 9110 §15.1)', () => {
  it('lists "200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, and 501" and 451 (RFC 7725 §3)', () => {
    for (const status of [200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 451, 501]) {
      assert.equal(isCacheableByDefault(status), true, String(status))
    }
  })
  it('excludes the others ("all other status codes are not heuristically cacheable")', () => {
    for (const status of [201, 302, 303, 307, 400, 403, 500, 502, 503, 504]) {
      assert.equal(isCacheableByDefault(status), false, String(status))
    }
  })
})
