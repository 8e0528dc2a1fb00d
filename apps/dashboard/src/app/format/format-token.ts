/** The token's decimals: amounts are base units, 10^18 per MSN (DESIGN.md). */
export const TOKEN_DECIMALS = 18
export const TOKEN_SYMBOL = 'MSN'

/**
 * A token amount in base units (decimal string or bigint) as MSN with sensible
 * decimals: two for amounts of 1 MSN or more, up to six significant digits below,
 * "0 MSN" for zero and "< 0.000001 MSN" for dust. Exact: bigint arithmetic only.
 */
export function formatToken(baseUnits: bigint | string): string {
  const value = typeof baseUnits === 'bigint' ? baseUnits : BigInt(baseUnits)
  if (value === 0n) return `0 ${TOKEN_SYMBOL}`
  const isNegative = value < 0n
  const magnitude = isNegative ? -value : value
  const sign = isNegative ? '-' : ''
  const one = 10n ** BigInt(TOKEN_DECIMALS)
  const whole = magnitude / one
  const fraction = (magnitude % one).toString().padStart(TOKEN_DECIMALS, '0')
  if (whole > 0n) {
    const cents = fraction.slice(0, 2).replace(/0+$/, '')
    return `${sign}${groupThousands(whole.toString())}${cents === '' ? '' : `.${cents.padEnd(2, '0')}`} ${TOKEN_SYMBOL}`
  }
  const firstDigit = fraction.search(/[1-9]/)
  if (firstDigit >= 6) return `${isNegative ? '> -' : '< '}0.000001 ${TOKEN_SYMBOL}`
  const shown = fraction.slice(0, Math.min(TOKEN_DECIMALS, Math.max(6, firstDigit + 3))).replace(/0+$/, '')
  return `${sign}0.${shown} ${TOKEN_SYMBOL}`
}

/** A price per GiB ("0.01 MSN/GiB"). */
export function formatPricePerGiB(baseUnits: bigint | string): string {
  return `${formatToken(baseUnits)}/GiB`
}

function groupThousands(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
}
