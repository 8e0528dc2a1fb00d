import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderMap } from './header-map.ts'
import { isIfRangeSatisfied } from './if-range.ts'

const LM = 'Tue, 01 Jul 2025 12:00:00 GMT'
const STRONG_LM: HeaderMap = { etag: '"v1"', 'last-modified': LM, date: 'Tue, 01 Jul 2025 12:00:01 GMT' }
const WEAK_LM: HeaderMap = { 'last-modified': LM, date: LM }

const rows: { rule: string; ifRange: string | undefined; stored: HeaderMap; expected: boolean }[] = [
  { rule: 'no If-Range: no condition', ifRange: undefined, stored: STRONG_LM, expected: true },
  { rule: 'same strong ETag', ifRange: '"v1"', stored: STRONG_LM, expected: true },
  { rule: 'different ETag', ifRange: '"v2"', stored: STRONG_LM, expected: false },
  { rule: 'weak ETag never satisfies (strong comparison)', ifRange: 'W/"v1"', stored: STRONG_LM, expected: false },
  { rule: 'strong tag against a weak stored ETag', ifRange: '"v1"', stored: { etag: 'W/"v1"' }, expected: false },
  { rule: 'date equal to a strong Last-Modified (Date ≥ LM + 1 s, §8.8.2.2)', ifRange: LM, stored: STRONG_LM, expected: true },
  { rule: 'date equal to a weak Last-Modified (Date = LM)', ifRange: LM, stored: WEAK_LM, expected: false },
  { rule: 'date not equal to Last-Modified', ifRange: 'Tue, 01 Jul 2025 12:00:05 GMT', stored: STRONG_LM, expected: false },
  { rule: 'garbage', ifRange: 'yesterday', stored: STRONG_LM, expected: false },
]

describe('isIfRangeSatisfied (RFC 9110 §13.1.5)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.equal(isIfRangeSatisfied(row.ifRange, row.stored), row.expected)
    })
  }
})
