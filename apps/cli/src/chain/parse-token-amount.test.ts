import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { parseTokenAmount } from './parse-token-amount.ts'

describe('parseTokenAmount', () => {
  const cases: readonly (readonly [string, bigint | undefined])[] = [
    ['10MSN', 10n * 10n ** 18n],
    ['10 msn', 10n * 10n ** 18n],
    ['0.5', 5n * 10n ** 17n],
    ['1.000000000000000001MSN', 10n ** 18n + 1n],
    ['0', undefined],
    ['-1MSN', undefined],
    ['1.0000000000000000001', undefined],
    ['1e18', undefined],
    ['ten', undefined],
  ]
  for (const [text, expected] of cases) {
    it(`reads ${JSON.stringify(text)} as ${expected === undefined ? 'not an amount' : `${expected} base units`}`, () => {
      assert.equal(parseTokenAmount(text), expected)
    })
  }
})
