import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { rateBetween } from './traffic-rate.ts'

describe('rateBetween', () => {
  it('divides the bytes served between two readings by the seconds between them', () => {
    assert.equal(rateBetween({ atMs: 1_000, bytes: 100n }, { atMs: 3_000, bytes: 4_196n }), 2_048)
  })

  it('has no rate for the first reading, a reading at the same instant, or a counter that went back', () => {
    assert.equal(rateBetween(undefined, { atMs: 1, bytes: 1n }), undefined)
    assert.equal(rateBetween({ atMs: 5, bytes: 1n }, { atMs: 5, bytes: 9n }), undefined)
    assert.equal(rateBetween({ atMs: 1, bytes: 9n }, { atMs: 5, bytes: 1n }), undefined)
  })
})
