import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatHttpDate, parseHttpDate } from './http-date.ts'

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37)

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  const rows: { value: string | undefined; expected: number | undefined; rule: string }[] = [
    { value: 'Sun, 06 Nov 1994 08:49:37 GMT', expected: NOV_6_1994, rule: 'IMF-fixdate' },
    { value: 'Sunday, 06-Nov-94 08:49:37 GMT', expected: NOV_6_1994, rule: 'obsolete RFC 850 format' },
    { value: 'Sun Nov  6 08:49:37 1994', expected: NOV_6_1994, rule: "ANSI C's asctime() format" },
    { value: '  Sun, 06 Nov 1994 08:49:37 GMT ', expected: NOV_6_1994, rule: 'surrounding OWS is not part of the value' },
    { value: 'Sun, 06 Nov 1994 08:49:37 UTC', expected: undefined, rule: 'GMT is the only zone' },
    { value: 'sun, 06 nov 1994 08:49:37 gmt', expected: undefined, rule: '"HTTP-date is case sensitive"' },
    { value: '0', expected: undefined, rule: 'Expires: 0 is invalid (RFC 9111 §5.3)' },
    { value: '', expected: undefined, rule: 'empty' },
    { value: undefined, expected: undefined, rule: 'absent' },
    { value: 'Sun, 31 Feb 1994 08:49:37 GMT', expected: undefined, rule: 'day beyond the month' },
    { value: 'Sun, 06 Nov 1994 24:00:00 GMT', expected: undefined, rule: 'hour = 2DIGIT 00-23' },
    { value: 'Sun, 06 Nov 1994 23:59:60 GMT', expected: Date.UTC(1994, 10, 7, 0, 0, 0), rule: 'second 60 allowed for leap seconds' },
    { value: 'Sun, 06 Nov 94 08:49:37 GMT', expected: undefined, rule: 'IMF-fixdate needs a 4-digit year' },
    { value: 'Sun, 06 Nov 1994 08:49:37 GMT, Mon, 07 Nov 1994 08:49:37 GMT', expected: undefined, rule: 'two lines joined: invalid' },
  ]
  for (const row of rows) {
    it(`${row.rule}: ${JSON.stringify(row.value)}`, () => {
      assert.equal(parseHttpDate(row.value), row.expected)
    })
  }

  it('keeps a 4-digit year below 100 as written (not 19xx)', () => {
    const parsed = parseHttpDate('Sat, 01 Jan 0050 00:00:00 GMT')
    assert.notEqual(parsed, undefined)
    assert.equal(new Date(parsed ?? 0).getUTCFullYear(), 50)
  })

  it('never returns NaN', () => {
    for (const value of ['Sun, 99 Nov 1994 08:49:37 GMT', 'Foo, 06 Nov 1994 08:49:37 GMT', 'garbage']) {
      assert.equal(parseHttpDate(value), undefined)
    }
  })

  it('reads a two-digit year more than 50 years ahead as the past century (§5.6.7)', () => {
    const nowMs = Date.UTC(2025, 0, 1)
    // "94" → 2094 is > 50 years after 2025, so it is 1994.
    assert.equal(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', { nowMs }), NOV_6_1994)
    // "30" → 2030 is within 50 years, so it stays 2030.
    assert.equal(new Date(parseHttpDate('Wednesday, 06-Nov-30 08:49:37 GMT', { nowMs }) ?? 0).getUTCFullYear(), 2030)
  })
})

describe('formatHttpDate', () => {
  it('writes IMF-fixdate, the only format senders generate', () => {
    assert.equal(formatHttpDate(NOV_6_1994 + 999), 'Sun, 06 Nov 1994 08:49:37 GMT')
  })
  it('round-trips through parseHttpDate', () => {
    assert.equal(parseHttpDate(formatHttpDate(NOV_6_1994)), NOV_6_1994)
  })
})
