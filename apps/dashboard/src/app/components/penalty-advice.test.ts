import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { adviceForPenalty } from './penalty-advice.ts'

describe('adviceForPenalty', () => {
  it('gives a failed-probe penalty advice about reachability', () => {
    assert.match(adviceForPenalty('probe-failed', 'no answer within 3 s'), /public port/)
  })

  it('gives wrong content advice about the cache and the version', () => {
    assert.match(adviceForPenalty('wrong-content', 'sha256 mismatch on /a.png'), /cache folder/)
  })

  it('falls back to general advice for a kind it does not know', () => {
    assert.match(adviceForPenalty('mystery', 'something'), /fix its cause/)
  })
})
