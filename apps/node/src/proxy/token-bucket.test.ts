import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { TokenBucket } from './token-bucket.ts'

describe('token bucket (exit bandwidth cap)', () => {
  it('lets a one-second burst through, then makes the next bytes wait their share', () => {
    const clock = { ms: 0 }
    const bucket = new TokenBucket(1000, () => clock.ms)
    assert.equal(bucket.take(1000), 0)
    assert.equal(bucket.take(500), 500)
    clock.ms += 500
    assert.equal(bucket.take(0), 0)
    assert.equal(bucket.take(250), 250)
  })
  it('never saves more than one second of tokens while idle', () => {
    const clock = { ms: 0 }
    const bucket = new TokenBucket(1000, () => clock.ms)
    clock.ms += 60_000
    assert.equal(bucket.take(2000), 1000)
  })
  it('refuses a rate that is not positive', () => {
    assert.throws(() => new TokenBucket(0, () => 0), RangeError)
  })
})
