import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderMap } from './header-map.ts'
import { invalidationTargets } from './invalidation-targets.ts'

const URL_A = 'http://example.com/a'

const rows: { rule: string; method: string; status: number; headers?: HeaderMap; expected: string[] }[] = [
  { rule: '§4.4 unsafe method + 2xx invalidates the target URI', method: 'POST', status: 200, expected: [URL_A] },
  { rule: '§4.4 3xx is non-error too', method: 'PUT', status: 303, expected: [URL_A] },
  { rule: '§4.4 "methods whose safety is unknown"', method: 'PURGEX', status: 204, expected: [URL_A] },
  { rule: '§4.4 error status: nothing', method: 'DELETE', status: 404, expected: [] },
  { rule: '§4.4 1xx is not a final non-error response', method: 'POST', status: 100, expected: [] },
  { rule: 'RFC 9110 §9.2.1 GET is safe', method: 'GET', status: 200, expected: [] },
  { rule: 'RFC 9110 §9.2.1 OPTIONS and TRACE are safe', method: 'OPTIONS', status: 200, expected: [] },
  { rule: '§4.4 Location and Content-Location (relative) on the same origin', method: 'POST', status: 201, headers: { location: '/b', 'content-location': 'http://EXAMPLE.com:80/c' }, expected: [URL_A, 'http://example.com/b', 'http://example.com/c'] },
  { rule: '§4.4 "MUST NOT ... if the origin ... differs"', method: 'POST', status: 201, headers: { location: 'http://evil.example/b', 'content-location': 'https://example.com/c' }, expected: [URL_A] },
  { rule: 'duplicates collapse', method: 'POST', status: 200, headers: { location: '/a' }, expected: [URL_A] },
  { rule: 'an unparseable Location is skipped', method: 'POST', status: 200, headers: { location: 'http://[bad' }, expected: [URL_A] },
]

describe('invalidationTargets (RFC 9111 §4.4)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.deepEqual(invalidationTargets({ method: row.method, requestUrl: URL_A, status: row.status, responseHeaders: row.headers ?? {} }), row.expected)
    })
  }
})
