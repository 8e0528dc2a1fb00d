import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatContentRange, formatUnsatisfiedContentRange, parseRange } from './range.ts'
import type { RangeDecision } from './range.ts'

const FULL: RangeDecision = { kind: 'full' }
const UNSATISFIABLE: RangeDecision = { kind: 'unsatisfiable' }
const partial = (start: number, end: number): RangeDecision => ({ kind: 'partial', start, end })

const rows: { rule: string; header: string | undefined; size?: number; expected: RangeDecision }[] = [
  { rule: 'no Range header', header: undefined, expected: FULL },
  { rule: '§14.1.2 bytes=0-0: the first byte', header: 'bytes=0-0', expected: partial(0, 0) },
  { rule: '§14.1.2 first 500 bytes', header: 'bytes=0-499', expected: partial(0, 499) },
  { rule: '§14.1.2 open-ended bytes=500-', header: 'bytes=500-', expected: partial(500, 9999) },
  { rule: '§14.1.2 suffix bytes=-500', header: 'bytes=-500', expected: partial(9500, 9999) },
  { rule: '§14.1.2 suffix longer than the representation: all of it', header: 'bytes=-20000', expected: partial(0, 9999) },
  { rule: '§14.1.2 last-pos beyond the end is clamped', header: 'bytes=9000-20000', expected: partial(9000, 9999) },
  { rule: '§14.1.1 huge numerals: bytes=0-18446744073709551616', header: 'bytes=0-18446744073709551616', expected: partial(0, 9999) },
  { rule: '§14.1.1 huge first-pos is unsatisfiable', header: 'bytes=18446744073709551616-', expected: UNSATISFIABLE },
  { rule: '§14.1 range unit is case-insensitive', header: 'Bytes=0-1', expected: partial(0, 1) },
  { rule: '§14.1.2 bytes=-0: suffix-length zero is unsatisfiable', header: 'bytes=-0', expected: UNSATISFIABLE },
  { rule: '§14.1.2 first-pos at the length is unsatisfiable', header: 'bytes=10000-', expected: UNSATISFIABLE },
  { rule: '§14.1.1 bytes=5-2: last < first is invalid → ignore', header: 'bytes=5-2', expected: FULL },
  { rule: '§14.2 bytes=abc: invalid → ignore', header: 'bytes=abc', expected: FULL },
  { rule: '§14.2 bytes=-: invalid → ignore', header: 'bytes=-', expected: FULL },
  { rule: '§14.2 bytes=: empty range-set → ignore', header: 'bytes=', expected: FULL },
  { rule: '§14.2 unknown unit items=0-1 → ignore', header: 'items=0-1', expected: FULL },
  { rule: '§14.2 no "=" → ignore', header: 'bytes 0-1', expected: FULL },
  { rule: '§14.2 multiple ranges: we send the whole representation', header: 'bytes=0-1, 5-6', expected: FULL },
  { rule: '§14.2 multiple ranges, none satisfiable → 416', header: 'bytes=20000-, 30000-30001', expected: UNSATISFIABLE },
  { rule: '§14.2 one invalid range-spec invalidates the set', header: 'bytes=0-1, 5-2', expected: FULL },
  { rule: '§5.6.1 empty list elements tolerated', header: 'bytes=, 0-1 ,', expected: partial(0, 1) },
  { rule: '§14.1.2 zero length: bytes=0-0 unsatisfiable', header: 'bytes=0-0', size: 0, expected: UNSATISFIABLE },
  { rule: '§14.1.2 zero length: bytes=-0 unsatisfiable', header: 'bytes=-0', size: 0, expected: UNSATISFIABLE },
  { rule: '§14.1.2 zero length: bytes=-5 is satisfiable but has no bytes → ignore (§14.2)', header: 'bytes=-5', size: 0, expected: FULL },
  { rule: 'one-byte representation, bytes=-1', header: 'bytes=-1', size: 1, expected: partial(0, 0) },
]

describe('parseRange (RFC 9110 §14)', () => {
  for (const row of rows) {
    it(`${row.rule}: ${JSON.stringify(row.header)}`, () => {
      assert.deepEqual(parseRange(row.header, row.size ?? 10_000), row.expected)
    })
  }
})

describe('Content-Range (RFC 9110 §14.4)', () => {
  it('formats a 206 range', () => {
    assert.equal(formatContentRange(0, 499, 10_000), 'bytes 0-499/10000')
  })
  it('formats a 416 unsatisfied-range', () => {
    assert.equal(formatUnsatisfiedContentRange(10_000), 'bytes */10000')
  })
})
