import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { ageHeaderValue, correctedInitialAgeMs, currentAgeMs, residentTimeMs } from './current-age.ts'
import type { HeaderMap } from './header-map.ts'

// request sent at T0 − 2 s, response at T0; the origin's Date says T0 − 1 s.
const T0 = Date.UTC(2025, 6, 1, 12, 0, 0)
const ORIGIN_DATE = 'Tue, 01 Jul 2025 11:59:59 GMT'

function stored(headers: HeaderMap, requestTimeMs = T0 - 2000, responseTimeMs = T0) {
  return { headers, requestTimeMs, responseTimeMs }
}

interface Row {
  readonly rule: string
  readonly headers: HeaderMap
  readonly nowMs: number
  readonly expectedMs: number
  readonly requestTimeMs?: number
}

const rows: Row[] = [
  { rule: 'corrected_age_value = age_value + response_delay', headers: { date: ORIGIN_DATE, age: '10' }, nowMs: T0, expectedMs: 12_000 },
  { rule: 'apparent_age wins when larger (Date far behind)', headers: { date: 'Tue, 01 Jul 2025 11:00:00 GMT', age: '10' }, nowMs: T0, expectedMs: 3600_000 },
  { rule: 'plus resident_time = now − response_time', headers: { date: ORIGIN_DATE }, nowMs: T0 + 5000, expectedMs: 7000 },
  { rule: 'clock skew: Date in the future gives apparent_age 0', headers: { date: 'Tue, 01 Jul 2025 13:00:00 GMT' }, nowMs: T0, expectedMs: 2000 },
  { rule: 'missing Date counts as response_time', headers: {}, nowMs: T0 + 1000, expectedMs: 3000 },
  { rule: '§5.1 invalid Age is ignored', headers: { date: ORIGIN_DATE, age: 'abc' }, nowMs: T0, expectedMs: 2000 },
  { rule: '§5.1 negative Age is ignored', headers: { date: ORIGIN_DATE, age: '-5' }, nowMs: T0, expectedMs: 2000 },
  { rule: '§5.1 list-based Age: first member', headers: { date: ORIGIN_DATE, age: '10, 500' }, nowMs: T0, expectedMs: 12_000 },
  { rule: '§1.2.2 huge Age capped at 2^31', headers: { age: '99999999999999999999' }, nowMs: T0, expectedMs: 2_147_483_648_000 + 2000 },
  { rule: 'a clock running backwards adds no resident time', headers: { date: ORIGIN_DATE }, nowMs: T0 - 10_000, expectedMs: 2000 },
  { rule: 'request after response (clock step) adds no delay', headers: { date: 'Tue, 01 Jul 2025 12:00:00 GMT' }, nowMs: T0, requestTimeMs: T0 + 500, expectedMs: 0 },
]

describe('currentAgeMs (RFC 9111 §4.2.3)', () => {
  for (const row of rows) {
    it(row.rule, () => {
      assert.equal(currentAgeMs(stored(row.headers, row.requestTimeMs), row.nowMs), row.expectedMs)
    })
    it(`${row.rule}: corrected_initial_age computed once + resident_time gives the same age`, () => {
      const response = stored(row.headers, row.requestTimeMs)
      assert.equal(correctedInitialAgeMs(response) + residentTimeMs(response.responseTimeMs, row.nowMs), row.expectedMs)
    })
  }
})

describe('ageHeaderValue (RFC 9111 §5.1)', () => {
  const ageRows: { ageMs: number; expected: string }[] = [
    { ageMs: 0, expected: '0' },
    { ageMs: 999, expected: '0' },
    { ageMs: 1000, expected: '1' },
    { ageMs: 376_900, expected: '376' },
    { ageMs: -5, expected: '0' },
    { ageMs: Number.NaN, expected: '0' },
    { ageMs: 1e20, expected: '2147483648' },
  ]
  for (const row of ageRows) {
    it(`${row.ageMs} ms → "${row.expected}" (whole seconds, capped at 2^31)`, () => {
      assert.equal(ageHeaderValue(row.ageMs), row.expected)
    })
  }
})
