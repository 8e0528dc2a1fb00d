import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { deltaSeconds, hasDirective, MAX_DELTA_SECONDS, parseCacheControl, splitListMembers } from './cache-control.ts'

describe('parseCacheControl (RFC 9111 §5.2)', () => {
  it('lowercases directive names ("Cache directives are identified by a token ... case-insensitive")', () => {
    const cc = parseCacheControl('Max-Age=60, NO-CACHE')
    assert.equal(cc.get('max-age'), '60')
    assert.equal(cc.get('no-cache'), null)
  })

  it('accepts quoted-string arguments, with commas inside ("ought to accept both forms")', () => {
    const cc = parseCacheControl('private="set-cookie, x-foo", max-age="30"')
    assert.equal(cc.get('private'), 'set-cookie, x-foo')
    assert.equal(deltaSeconds(cc, 'max-age'), 30)
  })

  it('resolves quoted-pair escapes inside quoted-string (RFC 9110 §5.6.4)', () => {
    assert.equal(parseCacheControl('ext="a\\"b"').get('ext'), 'a"b')
  })

  it('keeps the first of duplicate directives (RFC 9111 §4.2.1 "the first occurrence should be used")', () => {
    assert.equal(deltaSeconds(parseCacheControl('max-age=60, max-age=0'), 'max-age'), 60)
    assert.equal(deltaSeconds(parseCacheControl('max-age=0, max-age=60'), 'max-age'), 0)
  })

  it('skips empty list elements (RFC 9110 §5.6.1)', () => {
    assert.deepEqual([...parseCacheControl(' , public,,max-age=5 ,').keys()], ['public', 'max-age'])
  })

  it('ignores names that are not tokens', () => {
    assert.deepEqual([...parseCacheControl('"bad"=1, public').keys()], ['public'])
  })

  it('keeps a directive with whitespace around "=" but gives it an invalid argument (the grammar has none there)', () => {
    for (const value of ['max-age =60', 'max-age= 60', 'max-age\t=60', 'max-age = "60"']) {
      const cc = parseCacheControl(value)
      assert.ok(hasDirective(cc, 'max-age'), value)
      assert.equal(deltaSeconds(cc, 'max-age'), 0, value)
    }
    assert.ok(hasDirective(parseCacheControl('private = "set-cookie"'), 'private'))
    assert.equal(deltaSeconds(parseCacheControl('max-age=60'), 'max-age'), 60)
  })

  it('is empty for a missing or blank field', () => {
    assert.equal(parseCacheControl(undefined).size, 0)
    assert.equal(parseCacheControl('   ').size, 0)
  })
})

describe('deltaSeconds (RFC 9111 §1.2.2)', () => {
  const rows: { value: string; expected: number | undefined; rule: string }[] = [
    { value: 'max-age=60', expected: 60, rule: 'delta-seconds = 1*DIGIT' },
    { value: 'max-age=007', expected: 7, rule: 'leading zeros are digits too' },
    { value: 'max-age=abc', expected: 0, rule: 'invalid → stale (conservative)' },
    { value: 'max-age=-1', expected: 0, rule: 'negative is not 1*DIGIT → stale' },
    { value: 'max-age=1.5', expected: 0, rule: 'fraction is not 1*DIGIT → stale' },
    { value: 'max-age=', expected: 0, rule: 'empty argument → stale' },
    { value: 'max-age', expected: 0, rule: 'missing argument → stale' },
    { value: 'max-age=2147483648', expected: MAX_DELTA_SECONDS, rule: '2^31 exactly' },
    { value: 'max-age=99999999999999999999', expected: MAX_DELTA_SECONDS, rule: '"greater than the greatest integer" → 2^31' },
    { value: 'public', expected: undefined, rule: 'absent directive' },
  ]
  for (const row of rows) {
    it(`${row.rule}: ${row.value}`, () => {
      assert.equal(deltaSeconds(parseCacheControl(row.value), 'max-age'), row.expected)
    })
  }

  it('hasDirective sees directives with or without arguments', () => {
    const cc = parseCacheControl('no-cache="set-cookie", public')
    assert.equal(hasDirective(cc, 'no-cache'), true)
    assert.equal(hasDirective(cc, 'public'), true)
    assert.equal(hasDirective(cc, 'private'), false)
  })
})

describe('splitListMembers (RFC 9110 §5.6.1)', () => {
  it('splits on commas outside quoted-strings', () => {
    assert.deepEqual(splitListMembers('a, "b,c" , d="e\\",f"'), ['a', '"b,c"', 'd="e\\",f"'])
  })
})
