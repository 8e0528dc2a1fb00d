import { z } from 'zod'
import { BaseError } from '../errors.ts'
import { fail } from '../result.ts'
import type { Result } from '../result.ts'
import { GIB } from './byte-size.ts'
import { formatTokenDecimal, scaleTokenLiteral, TOKEN_SYMBOL } from './token-amount.ts'

/** A price: token base units (10^-18 MSN) per GiB (2^30 bytes). */
export type PricePerGiB = bigint

const PRICE = /^(\d+(?:\.\d+)?)(?: ?MSN)?\/GiB$/

/**
 * Parses "0.05 MSN/GiB" (also "0.05MSN/GiB", "0.05/GiB") into base units per GiB.
 * The "/GiB" is required so that a bare number is never mistaken for a price.
 */
export function parsePricePerGiB(text: string): Result<PricePerGiB> {
  const match = PRICE.exec(text)
  if (match === null) return fail(`"${text.slice(0, 40)}" is not a price like "0.05 MSN/GiB"`)
  return scaleTokenLiteral(match[1] ?? '')
}

/** Formats a price exactly: 50000000000000000n → "0.05 MSN/GiB". */
export function formatPricePerGiB(pricePerGiB: PricePerGiB): string {
  return `${formatTokenDecimal(pricePerGiB)} ${TOKEN_SYMBOL}/GiB`
}

/**
 * What `bytes` cost at `pricePerGiB`, in base units: floor(bytes × price / 2^30),
 * computed exactly in integers. Flooring per call loses under one base unit each
 * time, so callers aggregate bytes first (per buyer, zone and epoch) and price the
 * total once, rather than summing the cost of many small transfers.
 * Throws INVALID_UNIT on negative input: that is a bug in the caller, not data.
 */
export function costOfBytes(bytes: bigint, pricePerGiB: PricePerGiB): bigint {
  if (bytes < 0n || pricePerGiB < 0n) {
    throw new BaseError('INVALID_UNIT', 'Bytes and prices must not be negative.', {
      details: `bytes=${bytes} pricePerGiB=${pricePerGiB}`,
    })
  }
  return (bytes * pricePerGiB) / GIB
}

/** Zod schema for config: accepts a price string and outputs base units per GiB. */
export const pricePerGiBSchema = z.string().transform((text, ctx) => {
  const parsed = parsePricePerGiB(text)
  if (parsed.ok) return parsed.value
  ctx.addIssue({ code: 'custom', message: parsed.reason })
  return z.NEVER
})
