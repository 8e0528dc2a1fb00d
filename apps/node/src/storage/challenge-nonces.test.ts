import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ChallengeNonces } from './challenge-nonces.ts'

describe('the nonces of answered storage challenges', () => {
  it('admits a nonce once while its challenge lives, and again once it expired', () => {
    const nonces = new ChallengeNonces()
    assert.equal(nonces.admit('a', 1_000, 0), 'new')
    assert.equal(nonces.admit('a', 1_000, 999), 'replayed')
    assert.equal(nonces.admit('b', 1_000, 999), 'new')
    // Expired: the challenge itself is refused as expired before this is asked; the
    // table only has to stay correct and small.
    assert.equal(nonces.admit('a', 2_000, 1_000), 'new')
  })

  it('refuses a new nonce when full of live ones, and makes room from expired ones', () => {
    const nonces = new ChallengeNonces(3)
    assert.equal(nonces.admit('a', 100, 0), 'new')
    assert.equal(nonces.admit('b', 500, 0), 'new')
    assert.equal(nonces.admit('c', 500, 0), 'new')
    assert.equal(nonces.admit('d', 500, 50), 'full')
    // A live nonce is never forgotten to make room, so its replay stays refused.
    assert.equal(nonces.admit('b', 500, 50), 'replayed')
    assert.equal(nonces.admit('d', 500, 100), 'new')
    assert.equal(nonces.size, 3)
    assert.equal(nonces.admit('a', 100, 100), 'full')
  })
})
