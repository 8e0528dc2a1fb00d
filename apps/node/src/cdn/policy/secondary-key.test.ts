import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import type { HeaderMap } from './header-map.ts'
import { secondaryKeyFor, selectVaryRequestHeaders, varyFieldNames, varyMatches } from './secondary-key.ts'

describe('secondaryKeyFor (RFC 9111 §4.1)', () => {
  const rows: { rule: string; vary: string | undefined; request: HeaderMap; expected: string | null }[] = [
    { rule: 'no Vary → empty key', vary: undefined, request: { 'accept-encoding': 'gzip' }, expected: '' },
    { rule: '"*" always fails to match → null', vary: '*', request: {}, expected: null },
    { rule: '"*" among other names → null', vary: 'Accept-Encoding, *', request: {}, expected: null },
    { rule: 'names lowercased, sorted, de-duplicated', vary: 'Accept-Language, accept-encoding, ACCEPT-LANGUAGE', request: { 'accept-encoding': 'gzip', 'accept-language': 'en' }, expected: 'accept-encoding=gzip\naccept-language=en' },
    { rule: 'an absent field differs from an empty one', vary: 'accept-language', request: {}, expected: 'accept-language' },
    { rule: 'empty field value', vary: 'accept-language', request: { 'accept-language': '' }, expected: 'accept-language=' },
    { rule: 'whitespace collapsed ("adding or removing whitespace")', vary: 'accept-language', request: { 'accept-language': ' en-US ,  fr;q=0.5 ' }, expected: 'accept-language=en-US,fr;q=0.5' },
    { rule: 'accept-encoding: tokens lowercased and sorted', vary: 'accept-encoding', request: { 'accept-encoding': 'GZIP, br ,deflate' }, expected: 'accept-encoding=br,deflate,gzip' },
  ]
  for (const row of rows) {
    it(row.rule, () => {
      const responseHeaders: HeaderMap = row.vary === undefined ? {} : { vary: row.vary }
      assert.equal(secondaryKeyFor(responseHeaders, row.request), row.expected)
    })
  }

  it('varyFieldNames is [] without Vary and null with "*"', () => {
    assert.deepEqual(varyFieldNames({}), [])
    assert.equal(varyFieldNames({ vary: 'a, *' }), null)
  })
})

describe('varyMatches (RFC 9111 §4.1)', () => {
  const stored = {
    headers: { vary: 'Accept-Encoding, Accept-Language' },
    varyRequestHeaders: { 'accept-encoding': 'gzip, br', 'accept-language': 'en' },
  }
  it('matches the same fields with different spacing, case and order (accept-encoding)', () => {
    assert.equal(varyMatches(stored, { 'accept-encoding': 'BR,gzip', 'accept-language': 'en', cookie: 'x' }), true)
  })
  it('does not match a different value', () => {
    assert.equal(varyMatches(stored, { 'accept-encoding': 'gzip, br', 'accept-language': 'fr' }), false)
  })
  it('does not match when a nominated field is absent from one request only', () => {
    assert.equal(varyMatches(stored, { 'accept-encoding': 'gzip, br' }), false)
  })
  it('never matches Vary: *', () => {
    assert.equal(varyMatches({ headers: { vary: '*' }, varyRequestHeaders: {} }, {}), false)
  })
  it('matches anything without Vary', () => {
    assert.equal(varyMatches({ headers: {}, varyRequestHeaders: {} }, { 'accept-encoding': 'gzip' }), true)
  })
  it('selectVaryRequestHeaders keeps only the nominated, present fields', () => {
    assert.deepEqual(selectVaryRequestHeaders({ vary: 'Accept-Encoding, X-Absent' }, { 'accept-encoding': 'gzip', cookie: 'c' }), { 'accept-encoding': 'gzip' })
  })
})
