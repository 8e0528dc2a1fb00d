import assert from 'node:assert/strict'
import { describe, it } from 'node:test'
import { MAX_ACCEPTED_AMOUNT, parseBaseUnitsOrTokens } from './token-amount.ts'

describe('parseBaseUnitsOrTokens', () => {
  const accepted: readonly [string, bigint][] = [
    ['1', 1n],
    ['50000000000000000', 50000000000000000n],
    ['0.05 MSN', 50000000000000000n],
    ['0.05MSN', 50000000000000000n],
    ['5 MSN', 5n * 10n ** 18n],
    ['0.000000000000000001 MSN', 1n],
    [MAX_ACCEPTED_AMOUNT.toString(), MAX_ACCEPTED_AMOUNT],
  ]
  for (const [text, expected] of accepted) {
    it(`reads "${text}" as ${expected} base units`, () => {
      assert.deepEqual(parseBaseUnitsOrTokens(text, { minimum: 1n }), { ok: true, value: expected })
    })
  }

  const refused: readonly [string, RegExp][] = [
    ['0', /greater than zero/],
    ['0 MSN', /greater than zero/],
    ['-5', /decimal string/],
    ['1.5', /decimal string/],
    ['1e18', /decimal string/],
    ['0x10', /decimal string/],
    ['', /decimal string/],
    [' 1', /decimal string/],
    ['0.0000000000000000001 MSN', /decimal string/],
    ['1.2.3 MSN', /decimal string/],
    [(MAX_ACCEPTED_AMOUNT + 1n).toString(), /at most/],
    ['9'.repeat(10_000), /at most/],
  ]
  for (const [text, reason] of refused) {
    it(`refuses "${text.slice(0, 30)}" when an amount must be positive`, () => {
      const result = parseBaseUnitsOrTokens(text, { minimum: 1n })
      assert.ok(!result.ok)
      assert.match(result.reason, reason)
    })
  }

  it('accepts zero when the minimum is zero', () => {
    assert.deepEqual(parseBaseUnitsOrTokens('0'), { ok: true, value: 0n })
  })
})
