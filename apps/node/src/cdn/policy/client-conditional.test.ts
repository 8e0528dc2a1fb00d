import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { evaluateClientConditional } from './client-conditional.ts'
import type { ClientConditionalOutcome } from './client-conditional.ts'
import type { HeaderMap } from './header-map.ts'

const STORED: HeaderMap = { etag: '"v1"', 'last-modified': 'Tue, 01 Jul 2025 12:00:00 GMT' }
const BEFORE = 'Tue, 01 Jul 2025 11:00:00 GMT'
const SAME = 'Tue, 01 Jul 2025 12:00:00 GMT'
const AFTER = 'Tue, 01 Jul 2025 13:00:00 GMT'

const rows: { rule: string; method?: string; request: HeaderMap; stored?: HeaderMap; expected: ClientConditionalOutcome; nowMs?: number }[] = [
  { rule: 'no conditionals', request: {}, expected: 'none' },
  { rule: '§13.1.2 If-None-Match matching (weak comparison) → 304 for GET', request: { 'if-none-match': 'W/"v1"' }, expected: 'not-modified' },
  { rule: '§13.1.2 If-None-Match list with a match', request: { 'if-none-match': '"x", "v1"' }, expected: 'not-modified' },
  { rule: '§13.1.2 If-None-Match: * with a current representation', request: { 'if-none-match': '*' }, expected: 'not-modified' },
  { rule: '§13.1.2 If-None-Match not matching → none', request: { 'if-none-match': '"v2"' }, expected: 'none' },
  { rule: '§13.2.2 step 3: If-None-Match false for other methods → 412', method: 'DELETE', request: { 'if-none-match': '"v1"' }, expected: 'precondition-failed' },
  { rule: '§13.2.2 step 3: HEAD gets 304', method: 'HEAD', request: { 'if-none-match': '"v1"' }, expected: 'not-modified' },
  { rule: '§13.1.1 If-Match strong match → continue', request: { 'if-match': '"v1"' }, expected: 'none' },
  { rule: '§13.1.1 If-Match uses strong comparison: weak tag fails', request: { 'if-match': 'W/"v1"' }, expected: 'precondition-failed' },
  { rule: '§13.1.1 If-Match no match → 412', request: { 'if-match': '"v2"' }, expected: 'precondition-failed' },
  { rule: '§13.1.1 If-Match: * with a representation', request: { 'if-match': '*' }, expected: 'none' },
  { rule: '§13.1.1 If-Match against a weak stored ETag fails', request: { 'if-match': 'W/"v1"' }, stored: { etag: 'W/"v1"' }, expected: 'precondition-failed' },
  { rule: '§13.2.2 step 1 before step 3: If-Match fails even if If-None-Match matches', request: { 'if-match': '"v2"', 'if-none-match': '"v1"' }, expected: 'precondition-failed' },
  { rule: '§13.1.4 If-Unmodified-Since before Last-Modified → 412', request: { 'if-unmodified-since': BEFORE }, expected: 'precondition-failed' },
  { rule: '§13.1.4 If-Unmodified-Since at Last-Modified → continue', request: { 'if-unmodified-since': SAME }, expected: 'none' },
  { rule: '§13.1.4 If-Unmodified-Since ignored with If-Match', request: { 'if-match': '"v1"', 'if-unmodified-since': BEFORE }, expected: 'none' },
  { rule: '§13.1.4 invalid If-Unmodified-Since ignored', request: { 'if-unmodified-since': 'yesterday' }, expected: 'none' },
  { rule: '§13.1.3 If-Modified-Since at Last-Modified → 304', request: { 'if-modified-since': SAME }, expected: 'not-modified' },
  { rule: '§13.1.3 If-Modified-Since after Last-Modified → 304', request: { 'if-modified-since': AFTER }, expected: 'not-modified' },
  { rule: '§13.1.3 If-Modified-Since before Last-Modified → none', request: { 'if-modified-since': BEFORE }, expected: 'none' },
  { rule: '§13.1.3 If-Modified-Since ignored with If-None-Match', request: { 'if-none-match': '"v2"', 'if-modified-since': AFTER }, expected: 'none' },
  { rule: '§13.1.3 If-Modified-Since only for GET/HEAD', method: 'POST', request: { 'if-modified-since': AFTER }, expected: 'none' },
  { rule: '§13.1.3 invalid If-Modified-Since ignored', request: { 'if-modified-since': 'garbage' }, expected: 'none' },
  { rule: '§13.1.3 more than one member ignored', request: { 'if-modified-since': `${AFTER}, ${AFTER}` }, expected: 'none' },
  { rule: 'RFC 2616 §14.25 a future If-Modified-Since is invalid', request: { 'if-modified-since': AFTER }, nowMs: Date.UTC(2025, 6, 1, 12, 30), expected: 'none' },
  { rule: '§13.1.3 no Last-Modified and no Date: If-Modified-Since ignored', request: { 'if-modified-since': AFTER }, stored: { etag: '"v1"' }, expected: 'none' },
  { rule: 'RFC 9111 §4.3.2 no Last-Modified: the stored Date at or before If-Modified-Since → 304', request: { 'if-modified-since': SAME }, stored: { date: SAME }, expected: 'not-modified' },
  { rule: 'RFC 9111 §4.3.2 no Last-Modified: the stored Date after If-Modified-Since → none', request: { 'if-modified-since': BEFORE }, stored: { date: SAME }, expected: 'none' },
  { rule: 'RFC 9111 §4.3.2 Last-Modified comes before Date', request: { 'if-modified-since': BEFORE }, stored: { 'last-modified': SAME, date: BEFORE }, expected: 'none' },
]

describe('evaluateClientConditional (RFC 9110 §13.2.2)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      const outcome = evaluateClientConditional({
        method: row.method ?? 'GET',
        requestHeaders: row.request,
        storedHeaders: row.stored ?? STORED,
        ...(row.nowMs === undefined ? {} : { nowMs: row.nowMs }),
      })
      assert.equal(outcome, row.expected)
    })
  }
})
