import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseStructuredDictionary } from './structured-dictionary.ts'

describe('parseStructuredDictionary (RFC 8941 §4.2.2)', () => {
  it('reads Integers, Booleans, Strings, Tokens and bare keys (true)', () => {
    const parsed = parseStructuredDictionary('max-age=60, no-store, a=?0, b="x\\"y", c=tok/en:1, d=-5')
    assert.deepEqual(Object.fromEntries(parsed ?? []), {
      'max-age': { type: 'integer', value: 60 },
      'no-store': { type: 'boolean', value: true },
      a: { type: 'boolean', value: false },
      b: { type: 'text', value: 'x"y' },
      c: { type: 'text', value: 'tok/en:1' },
      d: { type: 'integer', value: -5 },
    })
  })

  it('accepts parameters, inner lists, Decimals and Byte Sequences as valid members', () => {
    const parsed = parseStructuredDictionary('a=1;p=2;q, b=(1 "two" three);x, c=1.5, d=:aGk=:')
    assert.deepEqual([...(parsed ?? new Map()).keys()], ['a', 'b', 'c', 'd'])
    assert.deepEqual(parsed?.get('c'), { type: 'other' })
  })

  it('keeps the last value of a duplicate key ("overwrite")', () => {
    assert.deepEqual(parseStructuredDictionary('max-age=1, max-age=2')?.get('max-age'), { type: 'integer', value: 2 })
  })

  it('tolerates leading and trailing spaces and OWS around commas', () => {
    assert.equal(parseStructuredDictionary('  a=1 ,\tb  ')?.size, 2)
  })

  const invalid: readonly (readonly [string, string])[] = [
    ['an uppercase key', 'Max-Age=60'],
    ['a key starting with a digit', '1a=2'],
    ['a space before "="', 'max-age =60'],
    ['a space after "="', 'max-age= 60'],
    ['a stray character', 'max-age=10000, &&&&&'],
    ['a trailing comma', 'a=1,'],
    ['an empty member', 'a=1,,b=2'],
    ['an Integer of 16 digits', 'a=1234567890123456'],
    ['a Decimal with 4 fractional digits', 'a=1.2345'],
    ['an unterminated String', 'a="x'],
    ['a bad escape in a String', 'a="\\x"'],
    ['a Boolean other than ?0 / ?1', 'a=?2'],
    ['an unterminated inner list', 'a=(1 2'],
    ['members without a comma', 'a=1 b=2'],
  ]
  for (const [name, text] of invalid) {
    it(`fails the whole field on ${name}: ${text}`, () => assert.equal(parseStructuredDictionary(text), undefined))
  }
})
