import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { formatTokenAmount, MAX_TOKEN_AMOUNT, parseTokenAmount, tokenAmountSchema } from './token-amount.ts'

describe('parseTokenAmount', () => {
  const valid: [string, bigint][] = [
    ['0.05 MSN', 50000000000000000n],
    ['0.05MSN', 50000000000000000n],
    ['0.05', 50000000000000000n],
    ['1', 10n ** 18n],
    ['0', 0n],
    ['1000000 MSN', 10n ** 24n],
    ['0.000000000000000001', 1n],
    ['1.000000000000000000', 10n ** 18n],
    ['123.456789012345678901', 123456789012345678901n],
  ]
  for (const [text, baseUnits] of valid) {
    it(`reads "${text}" as ${baseUnits} base units`, () => {
      assert.deepEqual(parseTokenAmount(text), { ok: true, value: baseUnits })
    })
  }

  const invalid: [string, string][] = [
    ['0.0000000000000000001', '19 decimals'],
    ['1.0000000000000000000', '19 decimals even if zero'],
    ['-1', 'negative'],
    ['-0.05 MSN', 'negative with symbol'],
    ['1e18', 'exponent'],
    ['1E-3', 'exponent'],
    ['0.05 ETH', 'other token'],
    ['0.05 msn', 'lowercase symbol'],
    ['MSN', 'no number'],
    ['', 'empty'],
    ['.5', 'no leading digit'],
    ['5.', 'dangling dot'],
    ['1,000', 'separator'],
    ['Infinity', 'not finite'],
    ['NaN', 'not a number'],
    ['0.05  MSN', 'two spaces'],
    [`${MAX_TOKEN_AMOUNT + 1n}`, 'above uint256 even as base-unit digits'],
    ['1'.repeat(80), 'above uint256 once scaled'],
  ]
  for (const [text, why] of invalid) {
    it(`rejects "${text.slice(0, 30)}" (${why})`, () => {
      assert.equal(parseTokenAmount(text).ok, false)
    })
  }
})

describe('formatTokenAmount', () => {
  const cases: [bigint, string][] = [
    [50000000000000000n, '0.05 MSN'],
    [0n, '0 MSN'],
    [1n, '0.000000000000000001 MSN'],
    [10n ** 18n, '1 MSN'],
    [1234500000000000000000n, '1234.5 MSN'],
    [-50000000000000000n, '-0.05 MSN'],
  ]
  for (const [baseUnits, text] of cases) {
    it(`writes ${baseUnits} as "${text}"`, () => {
      assert.equal(formatTokenAmount(baseUnits), text)
    })
  }

  it('round-trips exactly through parseTokenAmount', () => {
    for (const baseUnits of [0n, 1n, 7n, 10n ** 18n - 1n, 123456789012345678901234567890n, MAX_TOKEN_AMOUNT]) {
      assert.deepEqual(parseTokenAmount(formatTokenAmount(baseUnits)), { ok: true, value: baseUnits })
    }
  })
})

describe('tokenAmountSchema', () => {
  it('outputs base units', () => {
    assert.equal(tokenAmountSchema.parse('2.5 MSN'), 2500000000000000000n)
  })

  it('fails on too many decimals', () => {
    assert.equal(tokenAmountSchema.safeParse('0.1234567890123456789').success, false)
  })
})
