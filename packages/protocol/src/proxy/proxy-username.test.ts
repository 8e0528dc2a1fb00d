import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatProxyUsername, parseProxyUsername } from './proxy-username.ts'

describe('proxy username grammar', () => {
  it('reads the account alone', () => {
    assert.deepEqual(parseProxyUsername('customer-abc123'), { ok: true, value: { account: 'abc123', country: undefined, session: undefined, sessionMinutes: undefined } })
  })
  it('reads country, session and session time', () => {
    const parsed = parseProxyUsername('customer-abc-country-DE-session-s1_x-sesstime-30')
    assert.deepEqual(parsed, { ok: true, value: { account: 'abc', country: 'de', session: 's1_x', sessionMinutes: 30 } })
  })
  it('reads a session without a country', () => {
    const parsed = parseProxyUsername('customer-abc-session-42')
    assert.equal(parsed.ok && parsed.value.session, '42')
  })
  const refused = [
    '',
    'abc',
    'user-abc',
    'customer',
    'customer-',
    'customer-abc-country',
    'customer-abc-contry-de',
    'customer-abc-country-deu',
    'customer-abc-country-d1',
    'customer-abc-session-a-country-de',
    'customer-abc-country-de-country-fr',
    'customer-abc-sesstime-10',
    'customer-abc-session-s-sesstime-0',
    'customer-abc-session-s-sesstime-1441',
    'customer-abc-session-s-sesstime-1e3',
    'customer-a b',
    'customer-abc-session-' + 'x'.repeat(65),
    'customer-' + 'a'.repeat(300),
  ]
  for (const text of refused) {
    it(`refuses ${JSON.stringify(text.slice(0, 48))}`, () => {
      assert.equal(parseProxyUsername(text).ok, false)
    })
  }
  it('formats what it parses', () => {
    const text = formatProxyUsername({ account: 'abc', country: 'de', session: 's1', sessionMinutes: 10 })
    assert.equal(text, 'customer-abc-country-de-session-s1-sesstime-10')
    assert.equal(parseProxyUsername(text).ok, true)
  })
})
