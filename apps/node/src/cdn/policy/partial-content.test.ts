import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { coveredRangeOf, decideRangeMiss, formatPartContentRange, parseContentRange, planPartCombination, storablePartOf } from './partial-content.ts'
import type { CoveredRange, PartCombination, StoredPart } from './partial-content.ts'

describe('parseContentRange (RFC 9110 §14.4)', () => {
  const table: readonly (readonly [string, string | undefined, StoredPart | undefined])[] = [
    ['absent', undefined, undefined],
    ['a satisfied range with its complete length', 'bytes 0-4/10', { start: 0, end: 4, completeLength: 10 }],
    ['an unknown complete length ("*")', 'bytes 5-9/*', { start: 5, end: 9, completeLength: undefined }],
    ['the unit is case-insensitive (§14.1)', 'Bytes 1-1/2', { start: 1, end: 1, completeLength: 2 }],
    ['"invalid if ... last-pos value less than its first-pos"', 'bytes 5-4/10', undefined],
    ['"invalid if ... complete-length ... less than or equal to its last-pos"', 'bytes 0-9/9', undefined],
    ['an unsatisfied-range is no part (§15.5.17)', 'bytes */10', undefined],
    ['another unit', 'items 0-4/10', undefined],
    ['several ranges are not one field value', 'bytes 0-1/10, 3-4/10', undefined],
  ]
  for (const [name, field, expected] of table) it(name, () => assert.deepEqual(parseContentRange(field), expected))
})

describe('storablePartOf (RFC 9111 §3.3 incomplete responses)', () => {
  it('takes one Content-Range whose length agrees with Content-Length', () => {
    assert.deepEqual(storablePartOf({ 'content-range': 'bytes 2-5/10', 'content-length': '4' }), { start: 2, end: 5, completeLength: 10 })
  })
  it('refuses a body that disagrees with its Content-Range', () => {
    assert.equal(storablePartOf({ 'content-range': 'bytes 4-9/10', 'content-length': '5' }), undefined)
  })
  it('refuses multipart/byteranges (several parts, RFC 9110 §14.6)', () => {
    assert.equal(storablePartOf({ 'content-type': 'multipart/byteranges; boundary=b', 'content-range': 'bytes 0-1/10' }), undefined)
  })
  it('refuses a 206 without Content-Range', () => assert.equal(storablePartOf({ 'content-length': '4' }), undefined))
})

describe('coveredRangeOf (RFC 9111 §3.4, RFC 9110 §14.2)', () => {
  const part: StoredPart = { start: 4, end: 9, completeLength: 10 }
  const unknownLength: StoredPart = { start: 4, end: 9, completeLength: undefined }
  const table: readonly (readonly [string, string, StoredPart, CoveredRange | undefined])[] = [
    ['the same range', 'bytes=4-9', part, { start: 4, end: 9, bodyOffset: 0, completeLength: 10 }],
    ['a smaller int-range inside the part', 'bytes=6-8', part, { start: 6, end: 8, bodyOffset: 2, completeLength: 10 }],
    ['an open range inside the part (absent last-pos)', 'bytes=6-', part, { start: 6, end: 9, bodyOffset: 2, completeLength: 10 }],
    ['a suffix range inside the part', 'bytes=-1', part, { start: 9, end: 9, bodyOffset: 5, completeLength: 10 }],
    ['last-pos past the end is clamped (§14.1.2)', 'bytes=5-100', part, { start: 5, end: 9, bodyOffset: 1, completeLength: 10 }],
    ['a range starting before the part', 'bytes=3-5', part, undefined],
    ['a suffix longer than the part', 'bytes=-7', part, undefined],
    ['several ranges', 'bytes=4-5, 7-8', part, undefined],
    ['an unsatisfiable range', 'bytes=20-', part, undefined],
    ['a closed range with an unknown complete length', 'bytes=5-6', unknownLength, { start: 5, end: 6, bodyOffset: 1, completeLength: undefined }],
    ['an open range needs the complete length', 'bytes=5-', unknownLength, undefined],
    ['a suffix range needs the complete length', 'bytes=-2', unknownLength, undefined],
  ]
  for (const [name, range, stored, expected] of table) it(name, () => assert.deepEqual(coveredRangeOf(range, stored), expected))
})

describe('decideRangeMiss: forward the Range or fill the whole object', () => {
  const table: readonly (readonly [string, string, string | undefined, StoredPart | undefined, 'forward-range' | 'whole'])[] = [
    ['a single range with nothing stored goes to the origin as it is', 'bytes=0-99', undefined, undefined, 'forward-range'],
    ['a suffix range too', 'bytes=-5', undefined, undefined, 'forward-range'],
    ['several ranges are answered by this hop from the whole (§14.6)', 'bytes=0-1,5-6', undefined, undefined, 'whole'],
    ['If-Range is evaluated by this hop against the whole (§13.1.5)', 'bytes=0-1', '"v1"', undefined, 'whole'],
    ['a small object (known from a stored part) is filled whole once', 'bytes=5-9', undefined, { start: 0, end: 4, completeLength: 10 }, 'whole'],
    ['a big object keeps going range by range', 'bytes=5-9', undefined, { start: 0, end: 4, completeLength: 10 * 1024 * 1024 }, 'forward-range'],
    ['an unknown length keeps going range by range', 'bytes=5-9', undefined, { start: 0, end: 4, completeLength: undefined }, 'forward-range'],
    ['an invalid Range is not forwarded', 'bytes=abc', undefined, undefined, 'whole'],
  ]
  for (const [name, rangeHeader, ifRange, storedPart, expected] of table) {
    it(name, () => assert.equal(decideRangeMiss({ rangeHeader, ifRange, storedPart }), expected))
  }
})

describe('formatPartContentRange', () => {
  it('writes the complete length, or "*" when unknown', () => {
    assert.equal(formatPartContentRange(1, 2, 10), 'bytes 1-2/10')
    assert.equal(formatPartContentRange(1, 2, undefined), 'bytes 1-2/*')
  })
})

describe('planPartCombination (RFC 9111 §3.4 Combining Partial Content)', () => {
  const strong = { etag: '"v1"' }
  const part = (start: number, end: number, completeLength = 100): StoredPart => ({ start, end, completeLength })
  const table: readonly (readonly [string, StoredPart, Record<string, string>, StoredPart, Record<string, string>, PartCombination | undefined])[] = [
    ['a new part right after the stored one: stored bytes first', part(0, 9), strong, part(10, 19), strong, { union: part(0, 19), prefix: { start: 0, end: 9 }, suffix: undefined }],
    ['a new part right before the stored one: stored bytes after', part(10, 19), strong, part(0, 9), strong, { union: part(0, 19), prefix: undefined, suffix: { start: 0, end: 9 } }],
    ['overlapping parts: the new bytes win where both have them', part(0, 14), strong, part(10, 19), strong, { union: part(0, 19), prefix: { start: 0, end: 9 }, suffix: undefined }],
    ['a new part inside the stored one keeps both ends', part(0, 19), strong, part(5, 9), strong, { union: part(0, 19), prefix: { start: 0, end: 4 }, suffix: { start: 10, end: 19 } }],
    ['a new part covering the stored one needs nothing of it', part(5, 9), strong, part(0, 19), strong, undefined],
    ['"MUST NOT combine" without the same strong validator: different ETags', part(0, 9), { etag: '"v1"' }, part(10, 19), { etag: '"v2"' }, undefined],
    ['weak validators never combine', part(0, 9), { etag: 'W/"v1"' }, part(10, 19), { etag: 'W/"v1"' }, undefined],
    ['no validator never combines (Last-Modified alone is not strong enough here)', part(0, 9), { 'last-modified': 'Sun, 29 Nov 2026 00:00:00 GMT' }, part(10, 19), { 'last-modified': 'Sun, 29 Nov 2026 00:00:00 GMT' }, undefined],
    ['a gap between the parts', part(0, 9), strong, part(11, 19), strong, undefined],
    ['different complete lengths', part(0, 9, 100), strong, part(10, 19, 200), strong, undefined],
    ['an unknown complete length', { start: 0, end: 9, completeLength: undefined }, strong, { start: 10, end: 19, completeLength: undefined }, strong, undefined],
  ]
  for (const [name, storedPart, storedHeaders, incomingPart, incomingHeaders, expected] of table) {
    it(name, () => assert.deepEqual(planPartCombination({ part: storedPart, headers: storedHeaders }, { part: incomingPart, headers: incomingHeaders }), expected))
  }
})
