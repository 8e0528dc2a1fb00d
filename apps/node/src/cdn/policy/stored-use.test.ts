import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderMap } from './header-map.ts'
import { decideStoredUse } from './stored-use.ts'
import type { StoredUse } from './stored-use.ts'
import type { StoredResponse } from './stored-response.ts'

// The response arrived at T0 with Date = T0 and no upstream Age, so its age is exactly
// "seconds since T0": deterministic, no real clock.
const T0 = Date.UTC(2025, 6, 1, 12, 0, 0)
const DATE = 'Tue, 01 Jul 2025 12:00:00 GMT'

function storedWith(cacheControl: string | undefined, extra: HeaderMap = {}): StoredResponse {
  const headers: Record<string, string> = { date: DATE, ...extra }
  if (cacheControl !== undefined) headers['cache-control'] = cacheControl
  return {
    primaryKey: 'http://example.com/a',
    secondaryKey: '',
    status: 200,
    headers,
    varyRequestHeaders: {},
    requestTimeMs: T0,
    responseTimeMs: T0,
    sizeBytes: 3,
    sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  }
}

interface Row {
  readonly rule: string
  readonly response?: string
  readonly request?: HeaderMap
  readonly ageSeconds: number
  readonly expected: StoredUse['kind']
  readonly fwd?: 'request' | 'stale'
  readonly staleOnError?: boolean
  readonly untilSeconds?: number
}

const rows: Row[] = [
  { rule: '§4.2 fresh: freshness_lifetime > current_age', response: 'max-age=60', ageSeconds: 30, expected: 'fresh' },
  { rule: '§4.2 stale at exactly the lifetime', response: 'max-age=60', ageSeconds: 60, expected: 'revalidate', fwd: 'stale', staleOnError: false },
  { rule: '§5.2.2.4 response no-cache: always validate, never on error', response: 'no-cache, max-age=60', ageSeconds: 1, expected: 'revalidate', fwd: 'stale', staleOnError: false },
  { rule: '§5.2.2.4 qualified no-cache: reusable (its fields are not stored)', response: 'no-cache="set-cookie", max-age=60', ageSeconds: 1, expected: 'fresh' },
  { rule: '§5.2.2.4 a no-cache list naming a field the cache needs is unqualified', response: 'no-cache="vary", max-age=60', ageSeconds: 1, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.2.4 qualified no-cache still forbids serving stale', response: 'no-cache="x-a", max-age=60', request: { 'cache-control': 'max-stale' }, ageSeconds: 61, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.1.4 request no-cache', response: 'max-age=60', request: { 'cache-control': 'no-cache' }, ageSeconds: 1, expected: 'revalidate', fwd: 'request', staleOnError: true, untilSeconds: 60 },
  { rule: 'RFC 7234 §5.4 Pragma: no-cache without Cache-Control', response: 'max-age=60', request: { pragma: 'no-cache' }, ageSeconds: 1, expected: 'revalidate', fwd: 'request' },
  { rule: '§5.4 Pragma ignored when Cache-Control is present', response: 'max-age=60', request: { pragma: 'no-cache', 'cache-control': 'max-stale' }, ageSeconds: 1, expected: 'fresh' },
  { rule: '§5.2.1.1 request max-age exceeded', response: 'max-age=60', request: { 'cache-control': 'max-age=10' }, ageSeconds: 11, expected: 'revalidate', fwd: 'request' },
  { rule: '§5.2.1.1 request max-age: "less than or equal"', response: 'max-age=60', request: { 'cache-control': 'max-age=10' }, ageSeconds: 10, expected: 'fresh' },
  { rule: '§5.2.1.1 request max-age=0 on a 1 s old response', response: 'max-age=60', request: { 'cache-control': 'max-age=0' }, ageSeconds: 1, expected: 'revalidate', fwd: 'request' },
  { rule: 'RFC 8246 immutable ignores a reload max-age=0 while fresh', response: 'max-age=60, immutable', request: { 'cache-control': 'max-age=0' }, ageSeconds: 1, expected: 'fresh' },
  { rule: 'RFC 8246 immutable still honours a force-reload no-cache', response: 'max-age=60, immutable', request: { 'cache-control': 'no-cache' }, ageSeconds: 1, expected: 'revalidate', fwd: 'request' },
  { rule: '§5.2.1.3 min-fresh not met', response: 'max-age=60', request: { 'cache-control': 'min-fresh=30' }, ageSeconds: 31, expected: 'revalidate', fwd: 'request' },
  { rule: '§5.2.1.3 min-fresh met', response: 'max-age=60', request: { 'cache-control': 'min-fresh=30' }, ageSeconds: 30, expected: 'fresh' },
  { rule: '§5.2.1.2 max-stale with a value, within it', response: 'max-age=60', request: { 'cache-control': 'max-stale=10' }, ageSeconds: 70, expected: 'fresh' },
  { rule: '§5.2.1.2 max-stale with a value, beyond it', response: 'max-age=60', request: { 'cache-control': 'max-stale=10' }, ageSeconds: 71, expected: 'revalidate', fwd: 'stale' },
  { rule: '§5.2.1.2 max-stale without a value: "a stale response of any age"', response: 'max-age=60', request: { 'cache-control': 'max-stale' }, ageSeconds: 1_000_000, expected: 'fresh' },
  { rule: '§5.2.1.1 max-age + max-stale: age bound still applies', response: 'max-age=60', request: { 'cache-control': 'max-age=100, max-stale' }, ageSeconds: 101, expected: 'revalidate' },
  { rule: '§5.2.2.2 must-revalidate beats max-stale', response: 'max-age=60, must-revalidate', request: { 'cache-control': 'max-stale' }, ageSeconds: 61, expected: 'revalidate', fwd: 'stale', staleOnError: false },
  { rule: 'RFC 5861 §3 stale-while-revalidate within the window', response: 'max-age=60, stale-while-revalidate=30', ageSeconds: 90, expected: 'stale-while-revalidate' },
  { rule: 'RFC 5861 §3 stale-while-revalidate beyond the window', response: 'max-age=60, stale-while-revalidate=30', ageSeconds: 91, expected: 'revalidate', fwd: 'stale', staleOnError: false },
  { rule: '§4.2.4 must-revalidate forbids stale-while-revalidate', response: 'max-age=60, must-revalidate, stale-while-revalidate=30', ageSeconds: 61, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.2.8 proxy-revalidate forbids stale for a shared cache', response: 'max-age=60, proxy-revalidate, stale-while-revalidate=30', ageSeconds: 61, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.2.10 s-maxage implies proxy-revalidate', response: 's-maxage=60, stale-while-revalidate=30, stale-if-error=300', ageSeconds: 61, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.1.1 request max-age rules out stale-while-revalidate', response: 'max-age=60, stale-while-revalidate=30', request: { 'cache-control': 'max-age=100' }, ageSeconds: 61, expected: 'revalidate', fwd: 'stale' },
  { rule: 'RFC 5861 §4 stale-if-error (response) within the window', response: 'max-age=60, stale-if-error=100', ageSeconds: 120, expected: 'revalidate', staleOnError: true, untilSeconds: 160 },
  { rule: 'RFC 5861 §4 stale-if-error (response) beyond the window', response: 'max-age=60, stale-if-error=100', ageSeconds: 161, expected: 'revalidate', staleOnError: false },
  { rule: 'RFC 5861 §4 stale-if-error in the request', response: 'max-age=60', request: { 'cache-control': 'stale-if-error=100' }, ageSeconds: 120, expected: 'revalidate', staleOnError: true, untilSeconds: 160 },
  { rule: '§4.2.4 must-revalidate beats stale-if-error', response: 'max-age=60, must-revalidate, stale-if-error=100', ageSeconds: 120, expected: 'revalidate', staleOnError: false },
  { rule: '§4.2.4 no permission to serve stale on error', response: 'max-age=60', ageSeconds: 61, expected: 'revalidate', staleOnError: false },
  { rule: '§5.2.2.2 must-revalidate: a still fresh response may be served on error', response: 'max-age=60, must-revalidate', request: { 'cache-control': 'no-cache' }, ageSeconds: 10, expected: 'revalidate', staleOnError: true, untilSeconds: 60 },
  { rule: '§3.5 Authorization without public/s-maxage/must-revalidate', response: 'max-age=60', request: { authorization: 'Bearer t' }, ageSeconds: 1, expected: 'revalidate', fwd: 'request', staleOnError: false },
  { rule: '§3.5 Authorization with public', response: 'public, max-age=60', request: { authorization: 'Bearer t' }, ageSeconds: 1, expected: 'fresh' },
  { rule: '§4.2.1 invalid max-age is stale', response: 'max-age=abc', ageSeconds: 0, expected: 'revalidate', fwd: 'stale' },
  { rule: '§4.2.1 conflicting directives: most restrictive (no-cache) wins', response: 'max-age=600, no-cache', ageSeconds: 0, expected: 'revalidate' },
]

describe('decideStoredUse (RFC 9111 §4, §5.2; RFC 5861)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const nowMs = T0 + row.ageSeconds * 1000
      const use = decideStoredUse({ requestHeaders: row.request ?? {}, stored: storedWith(row.response), nowMs })
      assert.equal(use.kind, row.expected)
      assert.equal(use.ageMs, row.ageSeconds * 1000)
      if (use.kind !== 'revalidate') return
      if (row.fwd !== undefined) assert.equal(use.fwd, row.fwd)
      if (row.staleOnError !== undefined) assert.equal(use.mayServeStaleOnError, row.staleOnError)
      if (row.untilSeconds !== undefined) assert.equal(use.staleIfErrorUntilMs, T0 + row.untilSeconds * 1000)
      if (!use.mayServeStaleOnError) assert.equal(use.staleIfErrorUntilMs, undefined)
    })
  }

  it('reports the remaining freshness as ttlMs (negative when stale)', () => {
    const fresh = decideStoredUse({ requestHeaders: {}, stored: storedWith('max-age=60'), nowMs: T0 + 20_000 })
    assert.equal(fresh.ttlMs, 40_000)
    const stale = decideStoredUse({ requestHeaders: {}, stored: storedWith('max-age=60'), nowMs: T0 + 80_000 })
    assert.equal(stale.ttlMs, -20_000)
  })

  it('uses the heuristic for a 200 with only Last-Modified (§4.2.2)', () => {
    const stored = storedWith(undefined, { 'last-modified': 'Tue, 01 Jul 2025 02:00:00 GMT' })
    assert.equal(decideStoredUse({ requestHeaders: {}, stored, nowMs: T0 + 3599_000 }).kind, 'fresh')
    assert.equal(decideStoredUse({ requestHeaders: {}, stored, nowMs: T0 + 3600_000 }).kind, 'revalidate')
  })

  it('counts the upstream Age (§4.2.3): Age 50 + 11 s resident is stale for max-age=60', () => {
    const stored = storedWith('max-age=60', { age: '50' })
    assert.equal(decideStoredUse({ requestHeaders: {}, stored, nowMs: T0 + 11_000 }).kind, 'revalidate')
  })

  it('gives stale-if-error an unbounded window with max-stale and no value', () => {
    const use = decideStoredUse({ requestHeaders: { 'cache-control': 'max-stale, no-cache' }, stored: storedWith('max-age=60'), nowMs: T0 + 90_000 })
    assert.ok(use.kind === 'revalidate')
    assert.equal(use.staleIfErrorUntilMs, Number.POSITIVE_INFINITY)
  })
})
