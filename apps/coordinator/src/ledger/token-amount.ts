import { parseTokenAmount } from '@meson/protocol'
import type { Result } from '@meson/protocol'

/**
 * Token amounts as they travel in text (HTTP bodies, config, env): either a decimal
 * string of base units ("50000000000000000") or a token amount with its symbol
 * ("0.05 MSN"). Never a JSON number: a float cannot hold 18 decimals. A bare "5" is
 * 5 base units; the symbol is what makes "5 MSN" mean 5 tokens.
 */

/**
 * The largest amount the coordinator accepts in one value: 10^36 base units (10^18 MSN).
 * Far above any real balance, and sums of such values stay exact in both databases.
 */
export const MAX_ACCEPTED_AMOUNT = 10n ** 36n

const BASE_UNITS = /^[0-9]+$/
const WITH_SYMBOL = /^[0-9.]+ ?MSN$/
const FORMAT_HINT = 'expected base units as a decimal string ("50000000000000000") or a token amount ("0.05 MSN")'

/** Parses a base-unit or "x MSN" amount; `minimum` (inclusive) defaults to 0. */
export function parseBaseUnitsOrTokens(text: string, options: { minimum?: bigint } = {}): Result<bigint> {
  const minimum = options.minimum ?? 0n
  // The length check keeps a megabyte of digits away from BigInt().
  if (text.length > 60) return { ok: false, reason: `expected at most ${MAX_ACCEPTED_AMOUNT} base units` }
  let value: bigint
  if (BASE_UNITS.test(text)) {
    value = BigInt(text)
  } else if (WITH_SYMBOL.test(text)) {
    const parsed = parseTokenAmount(text)
    if (!parsed.ok) return { ok: false, reason: FORMAT_HINT }
    value = parsed.value
  } else {
    return { ok: false, reason: FORMAT_HINT }
  }
  if (value > MAX_ACCEPTED_AMOUNT) return { ok: false, reason: `expected at most ${MAX_ACCEPTED_AMOUNT} base units` }
  if (value < minimum) return { ok: false, reason: minimum === 1n ? 'expected an amount greater than zero' : `expected at least ${minimum} base units` }
  return { ok: true, value }
}
