import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatCsv } from './format-csv.ts'

describe('formatCsv (RFC 4180)', () => {
  it('writes a header row and CRLF line ends', () => {
    assert.equal(formatCsv(['a', 'b'], [['1', '2']]), 'a,b\r\n1,2\r\n')
  })

  it('quotes fields with commas, quotes and line breaks, doubling inner quotes', () => {
    assert.equal(formatCsv(['x'], [['a,b'], ['say "hi"'], ['two\r\nlines']]), 'x\r\n"a,b"\r\n"say ""hi"""\r\n"two\r\nlines"\r\n')
  })

  it('defuses fields a spreadsheet would run as a formula, but not negative numbers', () => {
    assert.equal(formatCsv(['x'], [['=1+1'], ['-5']]), "x\r\n'=1+1\r\n-5\r\n")
  })
})
