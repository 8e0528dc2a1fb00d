import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseCacheControl } from './cache-control.ts'
import { fieldQualifiedDirective, requiresValidation, unstoredFieldNames, withoutUnstoredFields } from './field-qualified-directives.ts'

describe('qualified no-cache and private (RFC 9111 §5.2.2.4, §5.2.2.7)', () => {
  const rows: readonly (readonly [string, 'no-cache' | 'private', ReturnType<typeof fieldQualifiedDirective>])[] = [
    ['max-age=60', 'no-cache', { kind: 'absent' }],
    ['no-cache', 'no-cache', { kind: 'unqualified' }],
    ['no-cache="Set-Cookie, X-A"', 'no-cache', { kind: 'fields', names: ['set-cookie', 'x-a'] }],
    ['no-cache=x-a', 'no-cache', { kind: 'fields', names: ['x-a'] }],
    ['no-cache=""', 'no-cache', { kind: 'unqualified' }],
    ['no-cache="a b"', 'no-cache', { kind: 'unqualified' }],
    ['no-cache="x-a, Content-Encoding"', 'no-cache', { kind: 'unqualified' }],
    ['private="vary"', 'private', { kind: 'unqualified' }],
    ['private="x-user"', 'private', { kind: 'fields', names: ['x-user'] }],
  ]
  for (const [value, name, expected] of rows) {
    it(`reads ${name} in ${value}`, () => assert.deepEqual(fieldQualifiedDirective(parseCacheControl(value), name), expected))
  }

  it('forces validation only for the unqualified no-cache', () => {
    assert.equal(requiresValidation(parseCacheControl('no-cache')), true)
    assert.equal(requiresValidation(parseCacheControl('no-cache="x-a"')), false)
    assert.equal(requiresValidation(parseCacheControl('max-age=60')), false)
  })

  it('leaves the fields of both directives out of what is stored, names in any case', () => {
    assert.deepEqual([...unstoredFieldNames(parseCacheControl('no-cache="a", private="B"'))], ['a', 'b'])
    const stored = withoutUnstoredFields({ 'cache-control': 'max-age=60, no-cache="Set-Cookie", private="x-b"', 'set-cookie': 's=1', 'x-b': '2', 'x-c': '3' })
    assert.deepEqual(stored, { 'cache-control': 'max-age=60, no-cache="Set-Cookie", private="x-b"', 'x-c': '3' })
  })

  it('reads the lists from CDN-Cache-Control when that field is used (RFC 9213)', () => {
    assert.deepEqual(withoutUnstoredFields({ 'cdn-cache-control': 'max-age=60, no-cache="x-a"', 'cache-control': 'no-store', 'x-a': '1' }), { 'cdn-cache-control': 'max-age=60, no-cache="x-a"', 'cache-control': 'no-store' })
  })
})
