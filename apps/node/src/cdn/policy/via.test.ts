import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { isErrorWithCode } from '@meson/protocol'
import { appendVia } from './via.ts'

describe('appendVia (RFC 9110 §7.6.3)', () => {
  it('omits the protocol name for HTTP', () => {
    assert.equal(appendVia(undefined, 'HTTP/1.1', 'meson'), '1.1 meson')
    assert.equal(appendVia(undefined, '2', 'meson'), '2 meson')
  })
  it('appends to an existing Via in order received', () => {
    assert.equal(appendVia('1.0 fred, 1.1 p.example.net', '1.1', 'meson'), '1.0 fred, 1.1 p.example.net, 1.1 meson')
  })
  it('treats an empty Via as absent', () => {
    assert.equal(appendVia('  ', '1.1', 'meson'), '1.1 meson')
  })
  it('refuses a pseudonym that is not a token (no header injection)', () => {
    assert.throws(() => appendVia(undefined, '1.1', 'me son\r\nx: y'), (error) => isErrorWithCode(error, 'INVALID_VIA_ENTRY'))
  })
})
