import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseEntityTag, parseEntityTagList, strongEtagMatch, weakEtagMatch } from './entity-tag.ts'

describe('entity-tag comparison (RFC 9110 §8.8.3.2 table)', () => {
  const rows: { a: string; b: string; strong: boolean; weak: boolean }[] = [
    { a: 'W/"1"', b: 'W/"1"', strong: false, weak: true },
    { a: 'W/"1"', b: 'W/"2"', strong: false, weak: false },
    { a: 'W/"1"', b: '"1"', strong: false, weak: true },
    { a: '"1"', b: '"1"', strong: true, weak: true },
  ]
  for (const row of rows) {
    it(`${row.a} vs ${row.b}: strong ${row.strong ? 'match' : 'no match'}, weak ${row.weak ? 'match' : 'no match'}`, () => {
      assert.equal(strongEtagMatch(row.a, row.b), row.strong)
      assert.equal(weakEtagMatch(row.a, row.b), row.weak)
      assert.equal(strongEtagMatch(row.b, row.a), row.strong)
      assert.equal(weakEtagMatch(row.b, row.a), row.weak)
    })
  }
  it('opaque-tags compare character-by-character (case-sensitive)', () => {
    assert.equal(strongEtagMatch('"abc"', '"ABC"'), false)
  })
  it('an invalid tag matches nothing', () => {
    assert.equal(weakEtagMatch('abc', 'abc'), false)
    assert.equal(strongEtagMatch('"a"', 'w/"a"'), false)
  })
})

function opaqueTags(value: string): string[] {
  const list = parseEntityTagList(value)
  return list === '*' ? ['*'] : list.map((tag) => tag.opaqueTag)
}

describe('parseEntityTag / parseEntityTagList (RFC 9110 §8.8.3, §13.1.1)', () => {
  it('reads weak and strong tags', () => {
    assert.deepEqual(parseEntityTag('W/"x"'), { weak: true, opaqueTag: '"x"' })
    assert.deepEqual(parseEntityTag(' "x" '), { weak: false, opaqueTag: '"x"' })
    assert.equal(parseEntityTag('"a"b"'), undefined)
    assert.equal(parseEntityTag('w/"x"'), undefined, '"W/" is case-sensitive (%s)')
  })
  it('reads "*"', () => {
    assert.equal(parseEntityTagList(' * '), '*')
  })
  it('keeps commas inside opaque-tags (etagc includes ",")', () => {
    assert.deepEqual(opaqueTags('"a", W/"b,c" ,"d"'), ['"a"', '"b,c"', '"d"'])
  })
  it('skips members that are not entity-tags', () => {
    assert.deepEqual(opaqueTags('abc, "x"'), ['"x"'])
  })
})
