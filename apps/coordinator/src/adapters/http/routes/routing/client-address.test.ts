import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { clientAddressOf } from './client-address.ts'

describe('clientAddressOf', () => {
  it('uses the TCP peer and ignores X-Forwarded-For unless the proxy is trusted', () => {
    assert.equal(clientAddressOf('203.0.113.5', '198.51.100.7', false), '203.0.113.5')
  })

  it('takes the last X-Forwarded-For entry behind a trusted proxy (the one the proxy appended)', () => {
    assert.equal(clientAddressOf('10.0.0.1', '1.2.3.4, 198.51.100.7', true), '198.51.100.7')
    assert.equal(clientAddressOf('10.0.0.1', ['1.2.3.4', '2001:db8::1'], true), '2001:db8::1')
  })

  it('falls back to the peer when the trusted header is missing or not an address', () => {
    assert.equal(clientAddressOf('10.0.0.1', undefined, true), '10.0.0.1')
    assert.equal(clientAddressOf('10.0.0.1', '198.51.100.7, unknown', true), '10.0.0.1')
    assert.equal(clientAddressOf(undefined, undefined, false), '')
  })
})
