import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { createPooledTicketNonces } from './pooled-ticket-nonces.ts'

describe('pooled ticket nonces', () => {
  it('have newTicketNonce\'s format and do not repeat across several pool refills', () => {
    const next = createPooledTicketNonces()
    const seen = new Set<string>()
    for (let index = 0; index < 2_000; index++) {
      const nonce = next()
      assert.match(nonce, /^tn_[a-z2-7]{20}$/)
      seen.add(nonce)
    }
    assert.equal(seen.size, 2_000)
  })
})
