import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isBearerTokenValid } from './bearer-token.ts'

describe('isBearerTokenValid', () => {
  const token = 'correct-horse-battery'
  it('accepts the right token', () => assert.equal(isBearerTokenValid(`Bearer ${token}`, token), true))
  it('accepts the scheme in any case (RFC 9110 §11.1)', () => assert.equal(isBearerTokenValid(`bearer ${token}`, token), true))
  it('refuses a wrong token', () => assert.equal(isBearerTokenValid('Bearer correct-horse-batterz', token), false))
  it('refuses a prefix of the token', () => assert.equal(isBearerTokenValid('Bearer correct', token), false))
  it('refuses a missing header', () => assert.equal(isBearerTokenValid(undefined, token), false))
  it('refuses another scheme', () => assert.equal(isBearerTokenValid(`Basic ${token}`, token), false))
  it('refuses an empty token', () => assert.equal(isBearerTokenValid('Bearer ', ''), false))
})
