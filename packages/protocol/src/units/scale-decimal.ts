import { fail, ok } from '../result.ts'
import type { Result } from '../result.ts'

/** Longer inputs are refused before any bigint work, so junk can't cost CPU. */
const MAX_DIGITS = 100
const DECIMAL = /^(\d+)(?:\.(\d+))?$/

/**
 * Multiplies an unsigned decimal literal ("12", "1.5") by `multiplier` exactly, in
 * integers: `1.5 × 1024 = 1536`. Fails when the product is not a whole number (the
 * fraction is finer than one base unit) or when the literal has more than
 * `maxFractionDigits` decimals. No sign, exponent, or leading/trailing dot.
 */
export function scaleDecimal(literal: string, multiplier: bigint, maxFractionDigits: number): Result<bigint> {
  if (literal.length > MAX_DIGITS) return fail('number is too long')
  const match = DECIMAL.exec(literal)
  if (match === null) return fail('not a decimal number')
  const whole = match[1] ?? '0'
  const fraction = match[2] ?? ''
  if (fraction.length > maxFractionDigits) return fail(`at most ${maxFractionDigits} decimals are allowed`)
  const denominator = 10n ** BigInt(fraction.length)
  const numerator = (BigInt(whole) * denominator + BigInt(fraction === '' ? '0' : fraction)) * multiplier
  if (numerator % denominator !== 0n) return fail('the value is not a whole number of base units')
  return ok(numerator / denominator)
}
