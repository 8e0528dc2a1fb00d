import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_MULTIPART_RANGES, planMultipartByteranges } from './multipart-byteranges.ts'

describe('planMultipartByteranges (RFC 9110 §14.6)', () => {
  it('plans one part per range, in request order, with Content-Type and Content-Range per part', () => {
    const plan = planMultipartByteranges([{ start: 6, end: 7 }, { start: 0, end: 1 }], 10, 'text/plain', 'B')
    assert.ok(plan)
    assert.equal(plan.contentType, 'multipart/byteranges; boundary=B')
    assert.deepEqual(plan.parts, [
      { head: '--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 6-7/10\r\n\r\n', start: 6, end: 7 },
      { head: '\r\n--B\r\nContent-Type: text/plain\r\nContent-Range: bytes 0-1/10\r\n\r\n', start: 0, end: 1 },
    ])
    assert.equal(plan.tail, '\r\n--B--\r\n')
    const expectedLength = plan.parts.reduce((sum, part) => sum + part.head.length + part.end - part.start + 1, 0) + plan.tail.length
    assert.equal(plan.contentLength, expectedLength)
  })

  it('coalesces overlapping or adjacent ranges ("MAY coalesce any of the ranges that overlap")', () => {
    const plan = planMultipartByteranges([{ start: 0, end: 4 }, { start: 3, end: 6 }, { start: 8, end: 9 }], 10, undefined, 'B')
    assert.ok(plan)
    assert.deepEqual(plan.parts.map((part) => [part.start, part.end]), [[0, 6], [8, 9]])
    assert.equal(plan.parts[0]?.head, '--B\r\nContent-Range: bytes 0-6/10\r\n\r\n')
  })

  it('leaves a single range after coalescing to a plain 206', () => {
    assert.equal(planMultipartByteranges([{ start: 0, end: 4 }, { start: 5, end: 9 }], 10, undefined, 'B'), undefined)
  })

  it(`answers the whole representation for more than ${MAX_MULTIPART_RANGES} parts`, () => {
    const many = Array.from({ length: MAX_MULTIPART_RANGES + 1 }, (_, index) => ({ start: index * 2, end: index * 2 }))
    assert.equal(planMultipartByteranges(many, 100, undefined, 'B'), undefined)
  })
})
