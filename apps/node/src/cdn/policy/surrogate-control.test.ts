import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { freshnessLifetimeMs } from './freshness-lifetime.ts'
import { isResponseStorable } from './response-storable.ts'
import { parseSurrogateControl, resolveSurrogateControl } from './surrogate-control.ts'
import type { SurrogateControl } from './surrogate-control.ts'

describe('parseSurrogateControl (W3C Edge Architecture 1.0 §2.2)', () => {
  const table: readonly (readonly [string, string | undefined, SurrogateControl | undefined])[] = [
    ['absent says nothing', undefined, undefined],
    ['untargeted max-age', 'max-age=60', { maxAgeSeconds: 60, isNoStore: false }],
    ['max-age with a stale part keeps the first value', 'max-age=60+30', { maxAgeSeconds: 60, isNoStore: false }],
    ['untargeted no-store', 'no-store', { maxAgeSeconds: undefined, isNoStore: true }],
    ['no-store-remote: a CDN node is a remote surrogate', 'no-store-remote', { maxAgeSeconds: undefined, isNoStore: true }],
    ['a directive targeted at us', 'max-age=30;meson', { maxAgeSeconds: 30, isNoStore: false }],
    ['device tokens are case-insensitive', 'max-age=30;MESON', { maxAgeSeconds: 30, isNoStore: false }],
    ['a directive targeted at another surrogate is ignored', 'max-age=30;other', undefined],
    ['targeted directives override untargeted ones', 'no-store, max-age=30;meson', { maxAgeSeconds: 30, isNoStore: false }],
    ['untargeted ones apply when only others are targeted', 'max-age=5, no-store;other', { maxAgeSeconds: 5, isNoStore: false }],
    ['content="..." with commas and semicolons inside quotes', 'content="ESI/1.0, ESI-Inline/1.0;x", max-age=9', { maxAgeSeconds: 9, isNoStore: false }],
    ['an invalid max-age is ignored', 'max-age=abc', { maxAgeSeconds: undefined, isNoStore: false }],
  ]
  for (const [name, field, expected] of table) {
    it(name, () => assert.deepEqual(parseSurrogateControl(field), expected))
  }
})

describe('Surrogate-Control in freshness and storability', () => {
  it('max-age for us overrides Cache-Control max-age and s-maxage', () => {
    assert.equal(freshnessLifetimeMs({ 'cache-control': 's-maxage=1, max-age=1', 'surrogate-control': 'max-age=100' }), 100_000)
  })
  it('max-age targeted at another surrogate leaves Cache-Control in charge', () => {
    assert.equal(freshnessLifetimeMs({ 'cache-control': 'max-age=1', 'surrogate-control': 'max-age=100;other' }), 1000)
  })
  it('no-store prevents storing a response Cache-Control makes fresh', () => {
    const verdict = isResponseStorable({ method: 'GET', requestHeaders: {}, status: 200, responseHeaders: { 'cache-control': 'max-age=60', 'surrogate-control': 'no-store' } })
    assert.deepEqual(verdict, { storable: false, reason: 'no-store' })
  })
  it('max-age alone is explicit freshness for a status not cacheable by default', () => {
    const verdict = isResponseStorable({ method: 'GET', requestHeaders: {}, status: 302, responseHeaders: { 'surrogate-control': 'max-age=60' } })
    assert.deepEqual(verdict, { storable: true })
  })
})

describe('resolveSurrogateControl: the field resolved once for a device token', () => {
  const table: readonly (readonly [string, string | undefined, string, string | undefined])[] = [
    ['absent stays absent', undefined, 'meson', undefined],
    ['targeted at the configured token becomes untargeted', 'no-store, max-age=30;edge', 'edge', 'max-age=30'],
    ['targeted at another token only is removed', 'max-age=30;meson', 'edge', undefined],
    ['untargeted directives are kept when nothing names the token', 'max-age=5+10, no-store-remote', 'edge', 'max-age=5, no-store'],
  ]
  for (const [name, field, token, expected] of table) {
    it(name, () => {
      const resolved = resolveSurrogateControl(field === undefined ? { etag: '"a"' } : { etag: '"a"', 'surrogate-control': field }, token)
      assert.equal(resolved['surrogate-control'], expected)
      assert.equal(resolved['etag'], '"a"')
      // The resolved field reads the same under the default token: nothing targeted is left.
      assert.deepEqual(parseSurrogateControl(resolved['surrogate-control']), parseSurrogateControl(field, token))
    })
  }
})
