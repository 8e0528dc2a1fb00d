import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { primaryCacheKey } from '../../cdn/policy/index.ts'
import { primaryKeyForPath } from './origin-cache-key.ts'

describe('primaryKeyForPath', () => {
  const origins = ['http://127.0.0.1:8000', 'http://EXAMPLE.com:80', 'https://Cdn.Example.com:443', 'http://[::1]:8080', 'http://example.com:0080']
  const paths = ['/', '/a/b?c=1&d', '//double', '/%7Efoo/./bar/../baz?x=%41', '/q?', '/frag#part', '/?a#b#c', '/é/ü?ß', '*', '']
  for (const origin of origins) {
    for (const path of paths) {
      it(`keys ${origin} + ${JSON.stringify(path)} exactly as primaryCacheKey does`, () => {
        const originUrl = new URL(origin)
        assert.equal(primaryKeyForPath(originUrl, path), primaryCacheKey(originUrl.origin + path))
      })
    }
  }

  it('keeps path and query byte-exact after the normalised authority', () => {
    assert.equal(primaryKeyForPath(new URL('http://EXAMPLE.com:80'), '/A/%2e/b?Z=1'), 'http://example.com/A/%2e/b?Z=1')
  })
})
