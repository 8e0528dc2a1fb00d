import { parseUnits } from 'viem'

/**
 * A token amount a person types: `10MSN`, `10 MSN`, `0.5` (whole tokens, 18 decimals),
 * to base units. Undefined when it is not a positive amount with at most 18 decimals.
 */
export function parseTokenAmount(text: string): bigint | undefined {
  const match = /^\s*(\d+(?:\.\d{1,18})?)\s*(?:MSN)?\s*$/i.exec(text)
  if (match?.[1] === undefined) return undefined
  const amount = parseUnits(match[1], 18)
  return amount > 0n ? amount : undefined
}
