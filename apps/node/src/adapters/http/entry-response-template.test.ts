import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ageHeaderValue, decideStoredUse, formatCacheStatus } from '../../cdn/policy/index.ts'
import type { HeaderMap, StoredResponse } from '../../cdn/policy/index.ts'
import type { CacheEntry } from '../../cdn/store/cache-store.ts'
import { plainHitFields, responseTemplateOf, timingAt } from './entry-response-template.ts'

const T0 = Date.UTC(2025, 10, 3, 10, 0, 0)

function entryOf(headers: HeaderMap, status = 200): CacheEntry {
  const response: StoredResponse = {
    primaryKey: 'http://origin/x',
    secondaryKey: '',
    status,
    headers,
    varyRequestHeaders: {},
    requestTimeMs: T0 - 300,
    responseTimeMs: T0,
    sizeBytes: 5,
    sha256: '0'.repeat(64),
  }
  return { id: '0'.repeat(32), response, surrogateKeys: [] }
}

describe('responseTemplateOf', () => {
  const rows: { readonly rule: string; readonly headers: HeaderMap; readonly status?: number }[] = [
    { rule: 'max-age', headers: { 'cache-control': 'max-age=60' } },
    { rule: 's-maxage wins over max-age', headers: { 'cache-control': 'max-age=60, s-maxage=5' } },
    { rule: 'upstream Age and an old Date', headers: { 'cache-control': 'max-age=600', age: '30', date: 'Mon, 03 Nov 2025 09:58:00 GMT' } },
    { rule: 'Expires − Date', headers: { date: 'Mon, 03 Nov 2025 10:00:00 GMT', expires: 'Mon, 03 Nov 2025 11:00:00 GMT' } },
    { rule: 'invalid Expires is already expired', headers: { expires: '0' } },
    { rule: 'heuristic from Last-Modified', headers: { date: 'Mon, 03 Nov 2025 10:00:00 GMT', 'last-modified': 'Mon, 27 Oct 2025 10:00:00 GMT' } },
    { rule: 'no heuristic for an uncacheable-by-default status', headers: { 'last-modified': 'Mon, 27 Oct 2025 10:00:00 GMT' }, status: 302 },
  ]
  for (const row of rows) {
    it(`computes the same age and ttl as decideStoredUse (${row.rule})`, () => {
      const entry = entryOf(row.headers, row.status)
      const template = responseTemplateOf(entry)
      for (const nowMs of [T0 - 5000, T0, T0 + 999, T0 + 4_000, T0 + 59_999, T0 + 3_600_000, T0 + 86_400_000]) {
        const decision = decideStoredUse({ requestHeaders: {}, stored: entry.response, nowMs })
        const timing = timingAt(template, nowMs)
        assert.equal(timing.ageMs, decision.ageMs)
        assert.equal(timing.ttlMs, decision.ttlMs)
      }
    })
  }

  it('is built once per entry', () => {
    const entry = entryOf({ 'cache-control': 'max-age=1' })
    assert.equal(responseTemplateOf(entry), responseTemplateOf(entry))
  })

  it('allows plain hits only without Vary and without no-cache (RFC 9111 §4.1, §5.2.2.4)', () => {
    assert.equal(responseTemplateOf(entryOf({ 'cache-control': 'max-age=60' })).isPlainHitServable, true)
    assert.equal(responseTemplateOf(entryOf({ 'cache-control': 'max-age=60', vary: 'accept-encoding' })).isPlainHitServable, false)
    assert.equal(responseTemplateOf(entryOf({ 'cache-control': 'max-age=60', vary: '*' })).isPlainHitServable, false)
    assert.equal(responseTemplateOf(entryOf({ 'cache-control': 'No-Cache, max-age=60' })).isPlainHitServable, false)
  })
})

describe('plainHitFields', () => {
  it('formats Age and Cache-Status exactly as ageHeaderValue and formatCacheStatus, also when reusing the last pair', () => {
    const template = responseTemplateOf(entryOf({ 'cache-control': 'max-age=100' }))
    const samples: [number, number][] = [[0, 100_000], [400, 99_600], [999, 99_001], [1000, 99_000], [1500, 98_500], [99_999, 1], [100_500, -500], [-20, 100_020], [Number.NaN, Number.NaN]]
    for (const [ageMs, ttlMs] of samples) {
      const fields = plainHitFields(template, ageMs, ttlMs)
      assert.equal(fields.age, ageHeaderValue(ageMs))
      assert.equal(fields.cacheStatus, formatCacheStatus({ cache: 'meson', hit: true, ttlSeconds: ttlMs / 1000 }))
    }
  })
})
