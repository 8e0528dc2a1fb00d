import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderMap } from './header-map.ts'
import { buildValidationHeaders } from './validation-headers.ts'

const LM = 'Tue, 01 Jul 2025 11:00:00 GMT'
const DATE = 'Tue, 01 Jul 2025 12:00:00 GMT'

const rows: { rule: string; stored: HeaderMap; expected: HeaderMap }[] = [
  { rule: '§4.3.1 "MUST send the relevant entity tags (using If-None-Match)"', stored: { etag: 'W/"v1"', date: DATE }, expected: { 'if-none-match': 'W/"v1"' } },
  { rule: '§4.3.1 "SHOULD send the Last-Modified value (using If-Modified-Since)"', stored: { 'last-modified': LM, date: DATE }, expected: { 'if-modified-since': LM } },
  { rule: '§4.3.1 both validators: send both (MAY)', stored: { etag: '"v1"', 'last-modified': LM }, expected: { 'if-none-match': '"v1"', 'if-modified-since': LM } },
  { rule: 'RFC 9110 §13.1.3 no validator: fall back to Date', stored: { date: DATE }, expected: { 'if-modified-since': DATE } },
  { rule: 'nothing to validate with', stored: {}, expected: {} },
  { rule: 'an invalid ETag is not sent', stored: { etag: 'v1' }, expected: {} },
]

describe('buildValidationHeaders (RFC 9111 §4.3.1)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.deepEqual(buildValidationHeaders({ headers: row.stored }), row.expected)
    })
  }
})
