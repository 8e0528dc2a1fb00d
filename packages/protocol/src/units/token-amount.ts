import { z } from 'zod'
import { fail, ok } from '../result.ts'
import type { Result } from '../result.ts'
import { scaleDecimal } from './scale-decimal.ts'

/** The token's decimals, as in its ERC-20 contract. */
export const TOKEN_DECIMALS = 18
/** Base units in one whole MSN token (10^18). */
export const BASE_UNITS_PER_TOKEN = 10n ** BigInt(TOKEN_DECIMALS)
/** Token symbol printed after amounts. */
export const TOKEN_SYMBOL = 'MSN'
/** ERC-20 balances are uint256; nothing larger can exist on chain. */
export const MAX_TOKEN_AMOUNT = 2n ** 256n - 1n

const TOKEN_AMOUNT = /^(\d+(?:\.\d+)?)(?: ?MSN)?$/

/**
 * Parses "0.05 MSN", "0.05MSN" or "0.05" into base units (50000000000000000n). At most
 * 18 decimals; no sign, exponent or thousands separators.
 */
export function parseTokenAmount(text: string): Result<bigint> {
  const match = TOKEN_AMOUNT.exec(text)
  if (match === null) return fail(`"${text.slice(0, 40)}" is not a token amount like "0.05 MSN"`)
  return scaleTokenLiteral(match[1] ?? '')
}

/** Scales a bare decimal literal by 10^18 and checks the uint256 bound. */
export function scaleTokenLiteral(literal: string): Result<bigint> {
  const scaled = scaleDecimal(literal, BASE_UNITS_PER_TOKEN, TOKEN_DECIMALS)
  if (!scaled.ok) return scaled
  if (scaled.value > MAX_TOKEN_AMOUNT) return fail('token amount is larger than 2^256 - 1')
  return ok(scaled.value)
}

/**
 * Formats base units exactly, trailing zeros trimmed: 50000000000000000n → "0.05 MSN",
 * 10n ** 18n → "1 MSN". Negative amounts (ledger deltas) get a leading "-".
 */
export function formatTokenAmount(baseUnits: bigint): string {
  return `${formatTokenDecimal(baseUnits)} ${TOKEN_SYMBOL}`
}

/** The number part of {@link formatTokenAmount}, without the symbol. */
export function formatTokenDecimal(baseUnits: bigint): string {
  const sign = baseUnits < 0n ? '-' : ''
  const magnitude = baseUnits < 0n ? -baseUnits : baseUnits
  const whole = magnitude / BASE_UNITS_PER_TOKEN
  const fraction = (magnitude % BASE_UNITS_PER_TOKEN).toString().padStart(TOKEN_DECIMALS, '0').replace(/0+$/, '')
  return fraction === '' ? `${sign}${whole}` : `${sign}${whole}.${fraction}`
}

/** Zod schema for config: accepts a token-amount string and outputs base units. */
export const tokenAmountSchema = z.string().transform((text, ctx) => {
  const parsed = parseTokenAmount(text)
  if (parsed.ok) return parsed.value
  ctx.addIssue({ code: 'custom', message: parsed.reason })
  return z.NEVER
})
