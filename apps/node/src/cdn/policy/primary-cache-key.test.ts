import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { primaryCacheKey } from './primary-cache-key.ts'

describe('primaryCacheKey (RFC 9111 §2, RFC 9110 §4.2.3)', () => {
  const rows: { url: string; expected: string; rule: string }[] = [
    { url: 'HTTP://Example.COM/a', expected: 'http://example.com/a', rule: 'scheme and host are case-insensitive' },
    { url: 'http://example.com:80/a', expected: 'http://example.com/a', rule: 'default port 80 omitted' },
    { url: 'https://example.com:443/a', expected: 'https://example.com/a', rule: 'default port 443 omitted' },
    { url: 'http://example.com:/a', expected: 'http://example.com/a', rule: 'empty port omitted' },
    { url: 'http://example.com:0080/a', expected: 'http://example.com/a', rule: 'port compared as a number' },
    { url: 'http://example.com:8080/a', expected: 'http://example.com:8080/a', rule: 'other ports kept' },
    { url: 'https://example.com:80/a', expected: 'https://example.com:80/a', rule: '80 is not https’s default' },
    { url: 'http://example.com', expected: 'http://example.com/', rule: 'empty path is "/"' },
    { url: 'http://example.com?q=1', expected: 'http://example.com/?q=1', rule: 'empty path with a query is "/"' },
    { url: 'http://example.com/a#frag', expected: 'http://example.com/a', rule: 'fragment is not sent, so not keyed' },
    { url: 'http://user:pw@example.com/a', expected: 'http://example.com/a', rule: 'userinfo dropped (§4.2.4)' },
    { url: 'http://[::1]:8080/a', expected: 'http://[::1]:8080/a', rule: 'IPv6 literal with port' },
    { url: 'http://[2001:DB8::1]/a', expected: 'http://[2001:db8::1]/a', rule: 'IPv6 literal lowercased' },
    { url: 'http://example.com/A/%7e/../b?Y=2&x=1', expected: 'http://example.com/A/%7e/../b?Y=2&x=1', rule: 'path and query byte-exact' },
    { url: 'http://example.com/a?', expected: 'http://example.com/a?', rule: 'empty query delimiter kept' },
  ]
  for (const row of rows) {
    it(`${row.rule}: ${row.url}`, () => {
      assert.equal(primaryCacheKey(row.url), row.expected)
    })
  }

  it('keys a URL object like its href, minus the fragment', () => {
    assert.equal(primaryCacheKey(new URL('HTTP://Example.com:80/x?y#z')), 'http://example.com/x?y')
  })

  it('throws INVALID_CACHE_KEY_URL for a relative reference', () => {
    assert.throws(() => primaryCacheKey('/just/a/path'), (error) => isErrorWithCode(error, 'INVALID_CACHE_KEY_URL'))
  })
})
